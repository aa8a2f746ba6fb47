"use server";
import { revalidatePath } from "next/cache";
import { removeTotp } from "../../auth/two-factor/enrolment";
import { db } from "../../db";
import { secondFactorCodeSchema } from "../../validations/two-factor";
import { authedAction } from "../safe-action";

export const removeTotpAction = authedAction("account:manage", secondFactorCodeSchema, async (ctx, input) => {
  const result = await removeTotp(db, ctx.user, input.code, ctx.meta);
  revalidatePath("/", "layout");
  return result;
});
