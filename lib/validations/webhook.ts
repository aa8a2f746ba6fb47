import { z } from "zod";
import { EVENT_TYPES } from "../events/types";
import { text } from "./text";

// What an endpoint may subscribe to: every event but the console's test message, which goes to one endpoint.
export const SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES.filter((t) => t !== "webhook.test");

export const WEBHOOK_URL_MAX = 2000;
export const WEBHOOK_DESCRIPTION_MAX = 200;

const endpointIdSchema = text({ error: "Choose an endpoint" }).regex(/^whe_[A-Za-z0-9]{20}$/, "Choose an endpoint");

export const webhookEndpointSchema = z.object({
  url: text({ error: "Enter the endpoint's URL" })
    .trim()
    .min(1, "Enter the endpoint's URL")
    .max(WEBHOOK_URL_MAX, `At most ${WEBHOOK_URL_MAX} characters`)
    .regex(/^https?:\/\//i, "The URL must start with https:// or http://"),
  description: text().trim().max(WEBHOOK_DESCRIPTION_MAX, `At most ${WEBHOOK_DESCRIPTION_MAX} characters`),
  // Empty: every event type.
  eventTypes: z.array(z.enum(SUBSCRIBABLE_EVENT_TYPES as [string, ...string[]])).max(SUBSCRIBABLE_EVENT_TYPES.length),
});
export type WebhookEndpointInput = z.infer<typeof webhookEndpointSchema>;
export type WebhookEndpointFormValues = z.input<typeof webhookEndpointSchema>;

export const webhookEndpointIdSchema = z.object({ endpointId: endpointIdSchema });

export const setWebhookEndpointEnabledSchema = z.object({ endpointId: endpointIdSchema, enabled: z.boolean() });

export const resendWebhookDeliverySchema = z.object({
  deliveryId: text({ error: "Choose a delivery" }).regex(/^whd_[A-Za-z0-9]{20}$/, "Choose a delivery"),
});

export const webhookSettingsSchema = z.object({ allowPrivateTargets: z.boolean() });
