"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { webhookSettingsSchema } from "../../validations/webhook";
import { updateWebhookSettings } from "../../webhooks/endpoints";
import { authedAction } from "../safe-action";

export const updateWebhookSettingsAction = authedAction(
  "settings:manage",
  webhookSettingsSchema,
  async (ctx, input) => {
    const result = await updateWebhookSettings(db, memberActorOf(ctx), input);
    revalidatePath("/settings/webhooks");
    return result;
  },
  // Private targets let a webhook reach the deployment's own network.
  { stepUp: (input) => input.allowPrivateTargets },
);
