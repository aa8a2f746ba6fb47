import { providerOfDb, type Db, type Prisma } from "../db/client";
import type { EmailConfig } from "../email/config";
import { emailsForEvent } from "../email/fan-out";
import { newId } from "../ids";
import { notificationRecipients } from "./notify";
import { emptySql, inIds, jsonRows, pgTimeOf, rawSql, readBool, readDate, sql, sqliteTime, timeValue } from "./raw";

// Step 1 of the outbox's background half: events not yet dispatched become one WebhookDelivery per subscribed
// endpoint (unique per endpoint and event), one Notification per recipient and, with SMTP configured, one
// EmailDelivery per address (lib/email/), and are marked dispatched — all in one transaction, with the events' rows
// locked FOR UPDATE SKIP LOCKED on PostgreSQL so two instances take different events and never wait on each other.
// The new deliveries (up to a batch of them) are leased to this instance as they are written, and returned for it
// to send at once: no second transaction to claim what it has just written. An instance that dies before sending
// leaves them due when the lease ends, as a claimed delivery (lib/events/claim.ts).

/** A delivery this instance holds the lease of: what sending it needs, read in the transaction that leased it. */
export interface ClaimedDelivery {
  id: string;
  eventId: string;
  attempts: number;
  firstAttemptAt: Date | null;
  endpoint: { id: string; orgId: string; url: string; secretEnc: string; enabled: boolean; failingSince: Date | null };
  event: { type: string; payload: string; createdAt: Date } | null;
  allowPrivate: boolean;
}

export interface FanOutOptions {
  batchSize: number;
  leaseMs: number;
  now: () => Date;
  email: { config: EmailConfig } | null;
}

export interface FannedOut {
  /** Events dispatched (a full batch: more may be waiting). */
  events: number;
  /** The new deliveries leased to this instance, to send now. */
  deliveries: ClaimedDelivery[];
}

interface EventRow {
  id: string;
  orgId: string;
  type: string;
  payload: string;
  createdAt: unknown;
}

interface EndpointRow {
  id: string;
  orgId: string;
  url: string;
  secretEnc: string;
  eventTypes: string;
  failingSince: unknown;
  allowPrivate: unknown;
}

/** An event's payload as stored (a JSON object), or {} if it is not one. */
export function parsePayload(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === "object" ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function endpointWants(eventTypes: string, type: string): boolean {
  let types: unknown;
  try {
    types = JSON.parse(eventTypes);
  } catch {
    return false;
  }
  return Array.isArray(types) && (types.length === 0 || types.includes(type));
}

export async function fanOut(db: Db, o: FanOutOptions): Promise<FannedOut> {
  const postgres = providerOfDb(db) === "postgres";
  return db.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<EventRow[]>`SELECT "id", "orgId", "type", "payload", "createdAt" FROM "OutboxEvent"
      WHERE "dispatchedAt" IS NULL ORDER BY "createdAt" LIMIT ${rawSql(String(o.batchSize))}
      ${postgres ? sql`FOR UPDATE SKIP LOCKED` : emptySql}`;
    if (rows.length === 0) return { events: 0, deliveries: [] };
    const now = o.now();
    const events = rows.map((r) => ({ ...r, createdAt: readDate(r.createdAt), text: r.payload, payload: parsePayload(r.payload) }));
    const orgIds = [...new Set(events.map((e) => e.orgId))];
    const endpoints = await tx.$queryRaw<EndpointRow[]>`SELECT e."id", e."orgId", e."url", e."secretEnc", e."eventTypes",
        e."failingSince", o."webhooksAllowPrivate" AS "allowPrivate"
      FROM "WebhookEndpoint" AS e JOIN "Organization" AS o ON o."id" = e."orgId"
      WHERE e."enabled" = true AND e."orgId" ${inIds(postgres, orgIds)}`;
    // A test event goes to the one endpoint it was sent to (its delivery already exists), and notifies nobody.
    const notifying = events.filter((e) => e.type !== "webhook.test");
    const recipients = await notificationRecipients(tx, postgres, notifying);
    const deliveries: ClaimedDelivery[] = [];
    const notifications: unknown[][] = [];
    const emails: Prisma.EmailDeliveryCreateManyInput[] = [];
    for (const event of notifying) {
      const createdAt = postgres ? event.createdAt.getTime() : sqliteTime(event.createdAt);
      for (const endpoint of endpoints) {
        if (endpoint.orgId !== event.orgId || !endpointWants(endpoint.eventTypes, event.type)) continue;
        deliveries.push({
          id: newId("whd"),
          eventId: event.id,
          attempts: 0,
          firstAttemptAt: null,
          endpoint: {
            id: endpoint.id,
            orgId: endpoint.orgId,
            url: endpoint.url,
            secretEnc: endpoint.secretEnc,
            enabled: true,
            failingSince: readDate(endpoint.failingSince, true),
          },
          event: { type: event.type, payload: event.text, createdAt: event.createdAt },
          allowPrivate: readBool(endpoint.allowPrivate),
        });
      }
      for (const userId of recipients.get(event.id) ?? []) {
        notifications.push([newId("ntf"), event.orgId, userId, event.id, event.type, event.text, createdAt]);
      }
      if (o.email) emails.push(...(await emailsForEvent(tx, o.email.config, event, now)));
    }
    // More than a batch (many endpoints): the rest are due now, for the claim step of this or another instance.
    const leased = deliveries.slice(0, o.batchSize);
    const leaseEnd = new Date(now.getTime() + o.leaseMs);
    await insertDeliveries(tx, postgres, leased, leaseEnd, now);
    await insertDeliveries(tx, postgres, deliveries.slice(o.batchSize), now, now);
    if (notifications.length > 0) {
      const createdAt = rawSql(postgres ? pgTimeOf("v.c6") : "v.c6");
      await tx.$executeRaw`INSERT INTO "Notification" ("id", "orgId", "userId", "eventId", "type", "payload", "createdAt")
        SELECT v.c0, v.c1, v.c2, v.c3, v.c4, v.c5, ${createdAt} FROM ${jsonRows(postgres, notifications, 7)} AS v`;
    }
    if (emails.length > 0) await tx.emailDelivery.createMany({ data: emails });
    await tx.$executeRaw`UPDATE "OutboxEvent" SET "dispatchedAt" = ${timeValue(postgres, now)}
      WHERE "id" ${inIds(
        postgres,
        events.map((e) => e.id),
      )}`;
    return { events: events.length, deliveries: leased };
  });
}

async function insertDeliveries(
  tx: Prisma.TransactionClient,
  postgres: boolean,
  deliveries: readonly ClaimedDelivery[],
  nextAttemptAt: Date,
  now: Date,
) {
  if (deliveries.length === 0) return;
  const rows = deliveries.map((d) => [d.id, d.endpoint.id, d.endpoint.orgId, d.eventId, d.event!.type]);
  await tx.$executeRaw`INSERT INTO "WebhookDelivery"
      ("id", "endpointId", "orgId", "eventId", "eventType", "status", "attempts", "nextAttemptAt", "createdAt")
    SELECT v.c0, v.c1, v.c2, v.c3, v.c4, 'pending', 0, ${timeValue(postgres, nextAttemptAt)}, ${timeValue(postgres, now)}
    FROM ${jsonRows(postgres, rows, 5)} AS v`;
}
