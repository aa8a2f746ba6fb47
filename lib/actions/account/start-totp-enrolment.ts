"use server";
import { startTotpEnrolment } from "../../auth/two-factor/enrolment";
import { db } from "../../db";
import { emptySchema } from "../../validations/two-factor";
import { authedAction } from "../safe-action";

// "two-factor:enrol": allowed even while the organization's policy blocks everything else for this member.
export const startTotpEnrolmentAction = authedAction("two-factor:enrol", emptySchema, (ctx) => startTotpEnrolment(db, ctx.user));
