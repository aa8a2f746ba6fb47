"use server";
import { completeSecondFactorSignIn } from "../../auth/login";
import { readSessionCookie, setSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { clearPendingSignInCookie, readPendingSignInCookie } from "../../auth/two-factor/pending-cookie";
import { db } from "../../db";
import { secondFactorCodeSchema } from "../../validations/two-factor";
import { publicAction } from "../safe-action";

// Public: the pending sign-in cookie (set by a correct password) is the credential, with the code.
export const verifySignInCodeAction = publicAction(secondFactorCodeSchema, async (input, meta) => {
  const session = await completeSecondFactorSignIn(db, await readPendingSignInCookie(), input.code, meta);
  await clearPendingSignInCookie();
  await deleteSession(db, await readSessionCookie());
  await setSessionCookie(session.token, session.expiresAt, meta.secure);
  return null;
});
