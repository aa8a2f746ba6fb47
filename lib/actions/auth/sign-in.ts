"use server";
import { signIn } from "../../auth/login";
import { setSessionCookie } from "../../auth/session-cookie";
import { db } from "../../db";
import { loginSchema } from "../../validations/auth";
import { publicAction } from "../safe-action";

export const signInAction = publicAction(loginSchema, async (input, meta) => {
  const session = await signIn(db, input.email, input.password, meta);
  await setSessionCookie(session.token, session.expiresAt, meta.secure);
  return null;
});
