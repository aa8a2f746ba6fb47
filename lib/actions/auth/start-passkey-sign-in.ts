"use server";
import { passkeyAuthenticationOptions } from "../../auth/passkeys/authentication";
import { setPasskeyCeremonyCookie } from "../../auth/passkeys/ceremony-cookie";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { db } from "../../db";
import { emptySchema } from "../../validations/two-factor";
import { publicAction } from "../safe-action";

/** "Sign in with a passkey": a challenge any of this site's discoverable passkeys may answer, with user verification, for this browser only. */
export const startPasskeySignInAction = publicAction(emptySchema, async () => {
  const options = await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, await currentRelyingParty());
  await setPasskeyCeremonyCookie(options.challenge);
  return options;
});
