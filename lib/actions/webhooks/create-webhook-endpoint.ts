"use server";
import { revalidatePath } from "next/cache";
import { db } from "../../db";
import { memberActorOf } from "../../members/actor";
import { webhookEndpointSchema } from "../../validations/webhook";
import { createEndpoint } from "../../webhooks/endpoints";
import { authedAction } from "../safe-action";

// A new endpoint receives every key and member change from now on: dangerous, so it needs a fresh proof of identity.
export const createWebhookEndpointAction = authedAction(
  "settings:manage",
  webhookEndpointSchema,
  async (ctx, input) => {
    const result = await createEndpoint(db, memberActorOf(ctx), input);
    revalidatePath("/settings/webhooks");
    return result;
  },
  { stepUp: true },
);
