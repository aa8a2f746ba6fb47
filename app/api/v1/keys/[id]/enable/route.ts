import { enableKeyRoute } from "@/lib/api/key-handlers";

export const POST = enableKeyRoute;
