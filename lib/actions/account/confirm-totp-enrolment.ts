"use server";
import { revalidatePath } from "next/cache";
import { confirmTotpEnrolment } from "../../auth/two-factor/enrolment";
import { db } from "../../db";
import { totpCodeSchema } from "../../validations/two-factor";
import { authedAction } from "../safe-action";

export const confirmTotpEnrolmentAction = authedAction("two-factor:enrol", totpCodeSchema, async (ctx, input) => {
  const result = await confirmTotpEnrolment(db, ctx.user, input.code, ctx.meta);
  revalidatePath("/", "layout");
  return result;
});
