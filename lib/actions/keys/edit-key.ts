"use server";
import { revalidatePath } from "next/cache";
import { editKey } from "../../api-keys/edit-key";
import { widensToPowerfulScope } from "../../api-keys/powerful-scopes";
import { db } from "../../db";
import { editKeySchema } from "../../validations/key";
import { authedAction } from "../safe-action";
import { keyActorOf } from "./actor";

export const editKeyAction = authedAction(
  "keys:edit",
  editKeySchema,
  async (ctx, input) => {
    const result = await editKey(db, keyActorOf(ctx), input);
    revalidatePath("/keys", "layout");
    return result;
  },
  { stepUp: (input, ctx) => widensToPowerfulScope(db, ctx.org.id, input.keyId, input.scopes) },
);
