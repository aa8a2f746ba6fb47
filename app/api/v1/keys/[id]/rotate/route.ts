import { rotateKeyRoute } from "@/lib/api/key-handlers";

export const POST = rotateKeyRoute;
