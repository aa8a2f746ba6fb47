"use server";
import { signInWithPasskey } from "../../auth/login";
import { PASSKEY_NOT_ACCEPTED } from "../../auth/passkeys/authentication";
import { takePasskeyCeremonyCookie } from "../../auth/passkeys/ceremony-cookie";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { readSessionCookie, setSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { clearPendingSignInCookie } from "../../auth/two-factor/pending-cookie";
import { db } from "../../db";
import { DomainError } from "../../errors";
import { passkeyAssertionSchema } from "../../validations/passkey";
import { publicAction } from "../safe-action";

// Public: the signed assertion is the credential (its challenge issued by startPasskeySignInAction to this browser, spent here).
export const signInWithPasskeyAction = publicAction(passkeyAssertionSchema, async (input, meta) => {
  // No ceremony started in this browser: nothing to answer (like the second steps without their cookie). An answer
  // to another browser's challenge is a failed sign-in, counted and audited by signInWithPasskey.
  const browserChallenge = await takePasskeyCeremonyCookie();
  if (browserChallenge === undefined) throw new DomainError("UNAUTHENTICATED", PASSKEY_NOT_ACCEPTED);
  const session = await signInWithPasskey(db, input.response, await currentRelyingParty(), meta, browserChallenge);
  await clearPendingSignInCookie();
  await deleteSession(db, await readSessionCookie());
  await setSessionCookie(session.token, session.expiresAt, meta.secure);
  return null;
});
