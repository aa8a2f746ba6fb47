"use server";
import { currentRelyingParty } from "../../auth/passkeys/current";
import { proveIdentity } from "../../auth/step-up";
import { db } from "../../db";
import { stepUpProofSchema } from "../../validations/step-up";
import { authedAction } from "../safe-action";

/** The step-up: the member proves it is them (password, or second factor once enrolled) before a dangerous action. */
export const confirmIdentityAction = authedAction("account:manage", stepUpProofSchema, async (ctx, input) =>
  proveIdentity(db, { userId: ctx.user.id, sessionId: ctx.sessionId }, input, ctx.meta, new Date(), await currentRelyingParty()),
);
