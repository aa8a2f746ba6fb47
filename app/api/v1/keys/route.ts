import { createKeyRoute, listKeysRoute } from "@/lib/api/key-handlers";

export const GET = listKeysRoute;
export const POST = createKeyRoute;
