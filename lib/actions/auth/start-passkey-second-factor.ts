"use server";
import { passkeyAuthenticationOptions } from "../../auth/passkeys/authentication";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { readPendingSignInCookie } from "../../auth/two-factor/pending-cookie";
import { findPendingSignIn, SIGN_IN_AGAIN } from "../../auth/two-factor/pending-sign-in";
import { db } from "../../db";
import { DomainError } from "../../errors";
import { emptySchema } from "../../validations/two-factor";
import { publicAction } from "../safe-action";

// Public: the pending sign-in cookie a correct password set is the credential; the challenge is bound to it.
export const startPasskeySecondFactorAction = publicAction(emptySchema, async () => {
  const pending = await findPendingSignIn(db, await readPendingSignInCookie());
  if (!pending) throw new DomainError("UNAUTHENTICATED", SIGN_IN_AGAIN);
  return passkeyAuthenticationOptions(
    db,
    { purpose: "second_factor", pendingSignInId: pending.id },
    await currentRelyingParty(),
    pending.userId,
  );
});
