"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { setEmailAlerts } from "../../notifications/email-alerts";
import { emailAlertsSchema } from "../../validations/notification";
import { authedAction } from "../safe-action";

export const setEmailAlertsAction = authedAction("account:manage", emailAlertsSchema, async (ctx, input) => {
  const result = await setEmailAlerts(db, { userId: ctx.user.id, email: ctx.user.email }, input.enabled, ctx.meta);
  revalidatePath("/account");
  return result;
});
