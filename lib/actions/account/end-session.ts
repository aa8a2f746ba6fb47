"use server";
import { revalidatePath } from "next/cache";
import { endOwnSession } from "../../auth/session-list";
import { db } from "../../db";
import { endSessionSchema } from "../../validations/session";
import { authedAction } from "../safe-action";

export const endSessionAction = authedAction("account:manage", endSessionSchema, async (ctx, input) => {
  const result = await endOwnSession(
    db,
    { userId: ctx.user.id, email: ctx.user.email, sessionId: ctx.sessionId },
    input.sessionId,
    ctx.meta,
  );
  revalidatePath("/account");
  return result;
});
