import { revokeKeyRoute } from "@/lib/api/key-handlers";

export const POST = revokeKeyRoute;
