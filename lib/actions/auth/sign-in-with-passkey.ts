"use server";
import { signInWithPasskey } from "../../auth/login";
import { takePasskeyCeremonyCookie } from "../../auth/passkeys/ceremony-cookie";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { readSessionCookie, setSessionCookie } from "../../auth/session-cookie";
import { deleteSession } from "../../auth/sessions";
import { clearPendingSignInCookie } from "../../auth/two-factor/pending-cookie";
import { db } from "../../db";
import { passkeyAssertionSchema } from "../../validations/passkey";
import { publicAction } from "../safe-action";

// Public: the signed assertion is the credential (its challenge issued by startPasskeySignInAction to this browser, spent here).
export const signInWithPasskeyAction = publicAction(passkeyAssertionSchema, async (input, meta) => {
  const session = await signInWithPasskey(db, input.response, await currentRelyingParty(), meta, await takePasskeyCeremonyCookie());
  await clearPendingSignInCookie();
  await deleteSession(db, await readSessionCookie());
  await setSessionCookie(session.token, session.expiresAt, meta.secure);
  return null;
});
