import { disableKeyRoute } from "@/lib/api/key-handlers";

export const POST = disableKeyRoute;
