import { revokeLeakedRoute } from "@/lib/api/key-handlers";

export const POST = revokeLeakedRoute;
