"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { webhookEndpointIdSchema } from "../../validations/webhook";
import { deleteEndpoint } from "../../webhooks/endpoints";
import { authedAction } from "../safe-action";

export const deleteWebhookEndpointAction = authedAction("settings:manage", webhookEndpointIdSchema, async (ctx, input) => {
  const result = await deleteEndpoint(db, memberActorOf(ctx), input.endpointId);
  revalidatePath("/settings/webhooks");
  return result;
});
