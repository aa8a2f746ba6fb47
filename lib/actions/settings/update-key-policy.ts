"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { updateKeyPolicy } from "../../orgs/key-policy";
import { keyPolicySchema } from "../../validations/org-admin";
import { authedAction } from "../safe-action";

export const updateKeyPolicyAction = authedAction(
  "settings:manage",
  keyPolicySchema,
  async (ctx, input) => {
    const result = await updateKeyPolicy(db, memberActorOf(ctx), input);
    revalidatePath("/", "layout");
    return result;
  },
  { stepUp: true },
);
