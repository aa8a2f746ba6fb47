import { getKeyRoute, updateKeyRoute } from "@/lib/api/key-handlers";

export const GET = getKeyRoute;
export const PATCH = updateKeyRoute;
