"use server";
import { revalidatePath } from "next/cache";
import { revokeKey } from "../../api-keys/revoke-key";
import { db } from "../../db";
import { revokeKeySchema } from "../../validations/key";
import { authedAction } from "../safe-action";
import { keyActorOf } from "./actor";

export const revokeKeyAction = authedAction(
  "keys:revoke",
  revokeKeySchema,
  async (ctx, input) => {
    const key = await revokeKey(db, keyActorOf(ctx), input);
    revalidatePath("/keys", "layout");
    return key;
  },
  { stepUp: true },
);
