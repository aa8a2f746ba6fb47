"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { saveTier } from "../../ratelimits/tiers";
import { tierSchema } from "../../validations/ratelimits";
import { keyActorOf } from "../keys/actor";
import { authedAction } from "../safe-action";

/** Creates or replaces a rate-limit tier; every key on it follows on its next verification. */
export const saveTierAction = authedAction("settings:manage", tierSchema, async (ctx, input) => {
  const tier = await saveTier(db, keyActorOf(ctx), input);
  revalidatePath("/settings");
  return tier;
});
