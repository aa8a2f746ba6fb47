"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { removeMember } from "../../members/members";
import { removeMemberSchema } from "../../validations/member";
import { authedAction } from "../safe-action";

export const removeMemberAction = authedAction(
  "members:manage",
  removeMemberSchema,
  async (ctx, input) => {
    const result = await removeMember(db, memberActorOf(ctx), input.memberId);
    revalidatePath("/", "layout");
    return result;
  },
  { stepUp: true },
);
