"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { updateTwoFactorPolicy } from "../../orgs/two-factor-policy";
import { twoFactorPolicySchema } from "../../validations/two-factor";
import { authedAction } from "../safe-action";

export const updateTwoFactorPolicyAction = authedAction("settings:manage", twoFactorPolicySchema, async (ctx, input) => {
  const result = await updateTwoFactorPolicy(db, memberActorOf(ctx), input);
  revalidatePath("/", "layout");
  return result;
});
