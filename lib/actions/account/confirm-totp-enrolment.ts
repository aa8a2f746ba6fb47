"use server";
import { confirmTotpEnrolment } from "../../auth/two-factor/enrolment";
import { db } from "../../db";
import { totpCodeSchema } from "../../validations/two-factor";
import { authedAction } from "../safe-action";

// No revalidation here: the page re-rendering as "enrolled" would unmount the recovery codes before they are
// read. The client refreshes once the person has closed the codes' dialog.
export const confirmTotpEnrolmentAction = authedAction("two-factor:enrol", totpCodeSchema, (ctx, input) =>
  confirmTotpEnrolment(db, ctx.user, input.code, ctx.meta),
);
