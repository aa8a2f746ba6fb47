"use server";
import { revalidatePath } from "next/cache";
import { setKeyEnabled } from "../../api-keys/set-key-enabled";
import { db } from "../../db";
import { setKeyEnabledSchema } from "../../validations/key";
import { authedAction } from "../safe-action";
import { keyActorOf } from "./actor";

// The revoke permission, since disabling is the reversible form of it. Disabling is containment and needs no
// step-up (it must be quick during an incident); enabling opens access again, so it asks for one.
export const setKeyEnabledAction = authedAction(
  "keys:revoke",
  setKeyEnabledSchema,
  async (ctx, input) => {
    const key = await setKeyEnabled(db, keyActorOf(ctx), input);
    revalidatePath("/keys", "layout");
    revalidatePath("/review");
    return key;
  },
  { stepUp: (input) => input.enabled },
);
