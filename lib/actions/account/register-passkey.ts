"use server";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { registerPasskey } from "../../auth/passkeys/registration";
import { db } from "../../db";
import { registerPasskeySchema } from "../../validations/passkey";
import { authedAction } from "../safe-action";

// No revalidation here (as for the authenticator app): the client refreshes once any recovery codes are read.
export const registerPasskeyAction = authedAction(
  "two-factor:enrol",
  registerPasskeySchema,
  async (ctx, input) => registerPasskey(db, ctx.user, ctx.sessionId, input, await currentRelyingParty(), ctx.meta),
  { stepUp: true },
);
