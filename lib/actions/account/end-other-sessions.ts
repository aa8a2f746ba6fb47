"use server";
import { revalidatePath } from "next/cache";
import { endOtherSessions } from "../../auth/session-list";
import { db } from "../../db";
import { endOtherSessionsSchema } from "../../validations/session";
import { authedAction } from "../safe-action";

export const endOtherSessionsAction = authedAction("account:manage", endOtherSessionsSchema, async (ctx) => {
  const result = await endOtherSessions(db, { userId: ctx.user.id, email: ctx.user.email, sessionId: ctx.sessionId }, ctx.meta);
  revalidatePath("/account");
  return result;
});
