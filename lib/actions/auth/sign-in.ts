"use server";
import { signIn } from "../../auth/login";
import { readSessionCookie, setSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { setPendingSignInCookie } from "../../auth/two-factor/pending-cookie";
import { db } from "../../db";
import { loginSchema } from "../../validations/auth";
import { publicAction } from "../safe-action";

export const signInAction = publicAction(loginSchema, async (input, meta) => {
  const result = await signIn(db, input.email, input.password, meta);
  // Any session this browser held before is ended, not reused: the id always changes at sign-in.
  await deleteSession(db, await readSessionCookie());
  if (result.secondFactor) {
    await setPendingSignInCookie(result.pendingToken, result.expiresAt, meta.secure);
    return { secondFactor: true };
  }
  await setSessionCookie(result.token, result.expiresAt, meta.secure);
  return { secondFactor: false };
});
