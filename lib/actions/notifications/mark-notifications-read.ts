"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { markNotificationsRead } from "../../notifications/notifications";
import { markNotificationsReadSchema } from "../../validations/notification";
import { authedAction } from "../safe-action";

// Every member reads their own notifications: the same permission as their own account.
export const markNotificationsReadAction = authedAction("account:manage", markNotificationsReadSchema, async (ctx, input) => {
  const result = await markNotificationsRead(db, { orgId: ctx.org.id, userId: ctx.user.id }, input.all ? "all" : input.ids);
  revalidatePath("/", "layout");
  return result;
});
