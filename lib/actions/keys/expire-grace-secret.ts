"use server";
import { revalidatePath } from "next/cache";
import { expireGraceSecret } from "../../api-keys/expire-grace-secret";
import { db } from "../../db";
import { expireGraceSecretSchema } from "../../validations/key";
import { authedAction } from "../safe-action";
import { keyActorOf } from "./actor";

// Cutting a secret off is as final as a revoke for whoever still holds it: the revoke permission.
export const expireGraceSecretAction = authedAction(
  "keys:revoke",
  expireGraceSecretSchema,
  async (ctx, input) => {
    const key = await expireGraceSecret(db, keyActorOf(ctx), input);
    revalidatePath(`/keys/${input.keyId}`);
    return { keyId: key.id };
  },
  // Ends a secret at once, like a rotation without grace.
  { stepUp: true },
);
