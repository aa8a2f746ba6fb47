"use server";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { passkeyRegistrationOptions } from "../../auth/passkeys/registration";
import { db } from "../../db";
import { emptySchema } from "../../validations/two-factor";
import { authedAction } from "../safe-action";

// A passkey also signs in without the password, so adding one is a dangerous action: a fresh proof first.
export const startPasskeyRegistrationAction = authedAction(
  "two-factor:enrol",
  emptySchema,
  async (ctx) => passkeyRegistrationOptions(db, ctx.user, ctx.sessionId, await currentRelyingParty()),
  { stepUp: true },
);
