"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { resendWebhookDeliverySchema } from "../../validations/webhook";
import { resendDelivery } from "../../webhooks/endpoints";
import { authedAction } from "../safe-action";

export const resendWebhookDeliveryAction = authedAction("settings:manage", resendWebhookDeliverySchema, async (ctx, input) => {
  const result = await resendDelivery(db, memberActorOf(ctx), input.deliveryId);
  revalidatePath("/settings/webhooks");
  return result;
});
