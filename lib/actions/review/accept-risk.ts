"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { acceptRisk } from "../../review/accept-risk";
import { acceptRiskSchema } from "../../validations/review";
import { keyActorOf } from "../keys/actor";
import { authedAction } from "../safe-action";

/** A reviewed, time-limited exception to one finding; audited as review.risk_accepted. */
export const acceptRiskAction = authedAction("keys:edit", acceptRiskSchema, async (ctx, input) => {
  const accepted = await acceptRisk(db, keyActorOf(ctx), input);
  revalidatePath("/review");
  return accepted;
});
