"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { createInvite } from "../../members/invites";
import { inviteMemberSchema } from "../../validations/member";
import { authedAction } from "../safe-action";

export const inviteMemberAction = authedAction(
  "members:manage",
  inviteMemberSchema,
  async (ctx, input) => {
    const invite = await createInvite(db, memberActorOf(ctx), input);
    revalidatePath("/settings");
    // The token leaves the server this once; the page builds the link from it and never stores it.
    return {
      inviteId: invite.inviteId,
      email: invite.email,
      role: invite.role,
      token: invite.token,
      expiresAt: invite.expiresAt.toISOString(),
    };
  },
  { stepUp: true },
);
