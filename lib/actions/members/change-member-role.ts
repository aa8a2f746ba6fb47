"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { changeMemberRole } from "../../members/members";
import { changeMemberRoleSchema } from "../../validations/member";
import { authedAction } from "../safe-action";

export const changeMemberRoleAction = authedAction(
  "members:manage",
  changeMemberRoleSchema,
  async (ctx, input) => {
    const result = await changeMemberRole(db, memberActorOf(ctx), input.memberId, input.role);
    revalidatePath("/", "layout");
    return result;
  },
  { stepUp: true },
);
