import { whoamiRoute } from "@/lib/api/key-handlers";

export const GET = whoamiRoute;
