"use server";
import { changePassword } from "../../auth/change-password";
import { db } from "../../db";
import { changePasswordSchema } from "../../validations/auth";
import { authedAction } from "../safe-action";

export const changePasswordAction = authedAction("account:manage", changePasswordSchema, (ctx, input) =>
  changePassword(db, { userId: ctx.user.id, sessionId: ctx.sessionId }, input, ctx.meta),
);
