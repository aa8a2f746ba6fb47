"use server";
import { completePasskeySecondFactorSignIn } from "../../auth/login";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { readSessionCookie, setSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { clearPendingSignInCookie, readPendingSignInCookie } from "../../auth/two-factor/pending-cookie";
import { db } from "../../db";
import { passkeyAssertionSchema } from "../../validations/passkey";
import { publicAction } from "../safe-action";

// Public: the pending sign-in cookie (set by a correct password) is the credential, with the passkey's assertion.
export const verifySignInPasskeyAction = publicAction(passkeyAssertionSchema, async (input, meta) => {
  const session = await completePasskeySecondFactorSignIn(
    db,
    await readPendingSignInCookie(),
    input.response,
    await currentRelyingParty(),
    meta,
  );
  await clearPendingSignInCookie();
  await deleteSession(db, await readSessionCookie());
  await setSessionCookie(session.token, session.expiresAt, meta.secure);
  return null;
});
