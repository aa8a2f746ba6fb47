import { keyUsageRoute } from "@/lib/api/key-handlers";

export const GET = keyUsageRoute;
