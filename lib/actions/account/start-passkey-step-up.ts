"use server";
import { passkeyAuthenticationOptions } from "../../auth/passkeys/authentication";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { db } from "../../db";
import { emptySchema } from "../../validations/two-factor";
import { authedAction } from "../safe-action";

/** A challenge for proving it is the member with one of their passkeys (the step-up dialog), bound to this session. */
export const startPasskeyStepUpAction = authedAction("account:manage", emptySchema, async (ctx) =>
  passkeyAuthenticationOptions(db, { purpose: "step_up", sessionId: ctx.sessionId }, await currentRelyingParty(), ctx.user.id),
);
