"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { revokeInvite } from "../../members/invites";
import { revokeInviteSchema } from "../../validations/member";
import { authedAction } from "../safe-action";

export const revokeInviteAction = authedAction("members:manage", revokeInviteSchema, async (ctx, input) => {
  const result = await revokeInvite(db, memberActorOf(ctx), input.inviteId);
  revalidatePath("/settings");
  return result;
});
