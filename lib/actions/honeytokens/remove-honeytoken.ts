"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { removeHoneytoken } from "../../honeytokens/honeytokens";
import { memberActorOf } from "../../members/actor";
import { removeHoneytokenSchema } from "../../validations/honeytoken";
import { authedAction } from "../safe-action";

// Removing a canary blinds a tripwire, as a revoke ends a key: the same fresh proof of identity is asked.
export const removeHoneytokenAction = authedAction(
  "keys:revoke",
  removeHoneytokenSchema,
  async (ctx, input) => {
    const result = await removeHoneytoken(db, memberActorOf(ctx), input);
    revalidatePath("/review");
    return result;
  },
  { stepUp: true },
);
