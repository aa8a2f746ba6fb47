"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { setWebhookEndpointEnabledSchema } from "../../validations/webhook";
import { setEndpointEnabled } from "../../webhooks/endpoints";
import { authedAction } from "../safe-action";

export const setWebhookEndpointEnabledAction = authedAction(
  "settings:manage",
  setWebhookEndpointEnabledSchema,
  async (ctx, input) => {
    const result = await setEndpointEnabled(db, memberActorOf(ctx), input.endpointId, input.enabled);
    revalidatePath("/settings/webhooks");
    return result;
  },
  // Enabling points the organization's events at a URL again; disabling is always safe.
  { stepUp: (input) => input.enabled },
);
