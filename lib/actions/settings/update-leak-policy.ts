"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { updateLeakPolicy } from "../../orgs/leak-policy";
import { leakPolicySchema } from "../../validations/org-admin";
import { authedAction } from "../safe-action";

export const updateLeakPolicyAction = authedAction(
  "settings:manage",
  leakPolicySchema,
  async (ctx, input) => {
    const result = await updateLeakPolicy(db, memberActorOf(ctx), input);
    revalidatePath("/", "layout");
    return result;
  },
  { stepUp: true },
);
