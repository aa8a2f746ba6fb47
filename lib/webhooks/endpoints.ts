import { DomainError } from "../errors";
import type { Db } from "../db/client";
import { recordEvent } from "../events/record";
import { newId } from "../ids";
import { recordMemberAudit, type MemberActor } from "../members/actor";
import type { WebhookEndpointInput } from "../validations/webhook";
import { newEndpointSecret, sealEndpointSecret } from "./secret";
import { checkWebhookTarget, parseWebhookUrl, WebhookTargetError, type Resolver } from "./ssrf";

export const ENDPOINT_NOT_FOUND = "Webhook endpoint not found";
export const DELIVERY_NOT_FOUND = "Delivery not found";
export const MAX_ENDPOINTS_PER_ORG = 50;

export interface EndpointView {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
}

function toView(row: {
  id: string;
  url: string;
  description: string;
  eventTypes: string;
  enabled: boolean;
  disabledReason: string | null;
  createdAt: Date;
}): EndpointView {
  let eventTypes: string[] = [];
  try {
    eventTypes = JSON.parse(row.eventTypes) as string[];
  } catch {
    // Never written other than as JSON; an unreadable value shows as no filter.
  }
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt,
  };
}

/** Refuses a URL whose host is (or resolves to) a private address, unless the organization allows private targets. */
async function assertTargetAllowed(db: Db, orgId: string, urlText: string, resolve?: Resolver) {
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { webhooksAllowPrivate: true } });
  try {
    await checkWebhookTarget(parseWebhookUrl(urlText), org.webhooksAllowPrivate, resolve);
  } catch (error) {
    if (error instanceof WebhookTargetError) throw new DomainError("VALIDATION", error.message, { url: error.message });
    throw error;
  }
}

export async function listEndpoints(db: Db, orgId: string): Promise<EndpointView[]> {
  const rows = await db.webhookEndpoint.findMany({ where: { orgId }, orderBy: { createdAt: "asc" } });
  return rows.map(toView);
}

async function loadEndpoint(db: Pick<Db, "webhookEndpoint">, orgId: string, endpointId: string) {
  // Scoped by organization: another organization's endpoint is simply not found.
  const row = await db.webhookEndpoint.findFirst({ where: { id: endpointId, orgId } });
  if (!row) throw new DomainError("NOT_FOUND", ENDPOINT_NOT_FOUND);
  return row;
}

/** A new endpoint; its signing secret is returned this once and only stored sealed. */
export async function createEndpoint(db: Db, by: MemberActor, input: WebhookEndpointInput, resolve?: Resolver) {
  await assertTargetAllowed(db, by.orgId, input.url, resolve);
  const count = await db.webhookEndpoint.count({ where: { orgId: by.orgId } });
  if (count >= MAX_ENDPOINTS_PER_ORG)
    throw new DomainError("CONFLICT", `An organization can have at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints`);
  const secret = newEndpointSecret();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: {
        id: newId("whe"),
        orgId: by.orgId,
        url: input.url,
        description: input.description,
        eventTypes: JSON.stringify(input.eventTypes),
        secretEnc: sealEndpointSecret(secret),
      },
    });
    await recordMemberAudit(tx, by, {
      action: "webhook.endpoint_created",
      target: { type: "webhook", id: created.id },
      data: { url: input.url, description: input.description, eventTypes: input.eventTypes },
    });
    return created;
  });
  return { endpoint: toView(row), secret };
}

/** Enables or disables an endpoint; enabling starts its failure count afresh. */
export async function setEndpointEnabled(db: Db, by: MemberActor, endpointId: string, enabled: boolean) {
  const endpoint = await loadEndpoint(db, by.orgId, endpointId);
  if (endpoint.enabled === enabled) return toView(endpoint);
  if (enabled) await assertTargetAllowed(db, by.orgId, endpoint.url);
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: enabled
        ? { enabled: true, failingSince: null, disabledReason: null }
        : { enabled: false, disabledReason: `Disabled by ${by.email}` },
    });
    await recordMemberAudit(tx, by, {
      action: enabled ? "webhook.endpoint_enabled" : "webhook.endpoint_disabled",
      target: { type: "webhook", id: endpoint.id },
      data: { url: endpoint.url },
    });
    return updated;
  });
  return toView(row);
}

export async function deleteEndpoint(db: Db, by: MemberActor, endpointId: string) {
  const endpoint = await loadEndpoint(db, by.orgId, endpointId);
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id: endpoint.id } });
    await recordMemberAudit(tx, by, {
      action: "webhook.endpoint_deleted",
      target: { type: "webhook", id: endpoint.id },
      data: { url: endpoint.url },
    });
  });
  return { endpointId };
}

/** Queues a webhook.test event for this one endpoint (the dispatcher sends it like any other). */
export async function sendTestEvent(db: Db, by: MemberActor, endpointId: string, now = new Date()) {
  const endpoint = await loadEndpoint(db, by.orgId, endpointId);
  if (!endpoint.enabled) throw new DomainError("CONFLICT", "This endpoint is disabled: enable it first");
  return db.$transaction(async (tx) => {
    const eventId = await recordEvent(tx, {
      orgId: by.orgId,
      type: "webhook.test",
      payload: { endpoint: { id: endpoint.id }, message: "A test event from Keyward", sentBy: by.email },
      at: now,
    });
    const deliveryId = newId("whd");
    await tx.webhookDelivery.create({
      data: {
        id: deliveryId,
        endpointId: endpoint.id,
        orgId: by.orgId,
        eventId,
        eventType: "webhook.test",
        nextAttemptAt: now,
        createdAt: now,
      },
    });
    await recordMemberAudit(tx, by, {
      action: "webhook.test_sent",
      target: { type: "webhook", id: endpoint.id },
      data: { url: endpoint.url, eventId },
    });
    return { eventId, deliveryId };
  });
}

/** Sends a delivery again, with the same webhook-id (the receiver may already have it). */
export async function resendDelivery(db: Db, by: MemberActor, deliveryId: string, now = new Date()) {
  const delivery = await db.webhookDelivery.findFirst({ where: { id: deliveryId, orgId: by.orgId }, include: { endpoint: true } });
  if (!delivery) throw new DomainError("NOT_FOUND", DELIVERY_NOT_FOUND);
  if (!delivery.endpoint.enabled) throw new DomainError("CONFLICT", "This endpoint is disabled: enable it first");
  await db.$transaction(async (tx) => {
    await tx.webhookDelivery.update({ where: { id: delivery.id }, data: { status: "pending", nextAttemptAt: now, firstAttemptAt: null } });
    await recordMemberAudit(tx, by, {
      action: "webhook.delivery_resent",
      target: { type: "webhook", id: delivery.endpointId },
      data: { eventId: delivery.eventId, eventType: delivery.eventType },
    });
  });
  return { deliveryId };
}

export interface DeliveryView {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastAttemptAt: Date | null;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  nextAttemptAt: Date | null;
  createdAt: Date;
}

export async function listDeliveries(db: Db, orgId: string, endpointId: string, take = 50): Promise<DeliveryView[]> {
  const rows = await db.webhookDelivery.findMany({ where: { orgId, endpointId }, orderBy: { createdAt: "desc" }, take });
  return rows.map((r) => ({
    id: r.id,
    endpointId: r.endpointId,
    eventId: r.eventId,
    eventType: r.eventType,
    status: r.status,
    attempts: r.attempts,
    lastAttemptAt: r.lastAttemptAt,
    lastStatusCode: r.lastStatusCode,
    lastDurationMs: r.lastDurationMs,
    lastError: r.lastError,
    // A pending delivery's nextAttemptAt is its next retry; once settled there is none.
    nextAttemptAt: r.status === "pending" ? r.nextAttemptAt : null,
    createdAt: r.createdAt,
  }));
}

export async function getWebhookSettings(db: Db, orgId: string) {
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, select: { webhooksAllowPrivate: true } });
  return { allowPrivateTargets: org.webhooksAllowPrivate };
}

export async function updateWebhookSettings(db: Db, by: MemberActor, input: { allowPrivateTargets: boolean }) {
  const before = await getWebhookSettings(db, by.orgId);
  if (before.allowPrivateTargets === input.allowPrivateTargets) return input;
  await db.$transaction(async (tx) => {
    await tx.organization.update({ where: { id: by.orgId }, data: { webhooksAllowPrivate: input.allowPrivateTargets } });
    await recordMemberAudit(tx, by, {
      action: "org.webhook_settings_updated",
      target: { type: "org", id: by.orgId },
      data: { before, after: input },
    });
  });
  return input;
}
