"use server";
import { revalidatePath } from "next/cache";
import { removePasskey } from "../../auth/passkeys/registration";
import { db } from "../../db";
import { removePasskeySchema } from "../../validations/passkey";
import { authedAction } from "../safe-action";

export const removePasskeyAction = authedAction(
  "account:manage",
  removePasskeySchema,
  async (ctx, input) => {
    const result = await removePasskey(db, ctx.user, input.passkeyId, ctx.meta);
    revalidatePath("/", "layout");
    return result;
  },
  { stepUp: true },
);
