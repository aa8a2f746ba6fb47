"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { webhookEndpointIdSchema } from "../../validations/webhook";
import { sendTestEvent } from "../../webhooks/endpoints";
import { authedAction } from "../safe-action";

export const sendWebhookTestAction = authedAction("settings:manage", webhookEndpointIdSchema, async (ctx, input) => {
  const result = await sendTestEvent(db, memberActorOf(ctx), input.endpointId);
  revalidatePath("/settings/webhooks");
  return result;
});
