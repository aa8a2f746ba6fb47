"use server";
import { regenerateRecoveryCodes } from "../../auth/two-factor/enrolment";
import { db } from "../../db";
import { secondFactorCodeSchema } from "../../validations/two-factor";
import { authedAction } from "../safe-action";

export const regenerateRecoveryCodesAction = authedAction("account:manage", secondFactorCodeSchema, (ctx, input) =>
  regenerateRecoveryCodes(db, ctx.user, input.code, ctx.meta),
);
