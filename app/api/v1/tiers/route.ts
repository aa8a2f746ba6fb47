import { listTiersRoute, saveTierRoute } from "@/lib/api/tier-handlers";

export const GET = listTiersRoute;
export const POST = saveTierRoute;
