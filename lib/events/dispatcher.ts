import { providerOfDb, type Db, type Prisma } from "../db/client";
import type { EmailConfig } from "../email/config";
import { attemptEmail, claimDueEmails, type EmailSender } from "../email/deliver";
import { emailsForEvent } from "../email/fan-out";
import { newId } from "../ids";
import { openEndpointSecret } from "../webhooks/secret";
import { sendWebhook } from "../webhooks/send";
import type { Resolver } from "../webhooks/ssrf";
import { notificationRecipients } from "./notify";
import { recordEvent } from "./record";
import { claimDue } from "./claim";
import { recordSucceeded, type Succeeded } from "./succeeded";
import { lockRows, retryDelayMs } from "./retry";

export { retryDelayMs };

// The background half of the outbox. Two steps, each safe with several instances on one PostgreSQL database:
// 1. fan-out: events not yet dispatched become one WebhookDelivery per subscribed endpoint (unique per endpoint and
//    event), one Notification per recipient and, with SMTP configured, one EmailDelivery per address (lib/email/),
//    and are marked dispatched — all in one transaction, with the events' rows locked FOR UPDATE SKIP LOCKED so two
//    instances take different events and never wait on each other;
// 2. delivery: due deliveries are claimed (locked the same way) by pushing nextAttemptAt past a lease, then sent
//    outside any transaction. Success or failure is written after; an instance that dies mid-attempt leaves the
//    delivery to be claimed again when the lease ends — at-least-once, with the same webhook-id.
// SQLite has one writer and Keyward one process on it: there the same statements run without the row locks.

export interface DispatcherOptions {
  batchSize?: number;
  /** How long a claimed delivery is this instance's: longer than an attempt can take. */
  leaseMs?: number;
  timeoutMs?: number;
  /** Failed deliveries are retried for this long after the event; an endpoint failing this long is disabled. */
  retryWindowMs?: number;
  /** First retry delay; doubled per attempt, capped at maxDelayMs, with jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  concurrency?: number;
  resolve?: Resolver;
  now?: () => Date;
  /** Alert email (off when absent): the SMTP settings, and the sender they make (one per dispatcher). */
  email?: { config: EmailConfig; sender: EmailSender } | null;
}

const HOUR_MS = 3_600_000;

export function dispatcherOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): DispatcherOptions {
  const num = (name: string) => (env[name] ? Number(env[name]) : undefined);
  return {
    timeoutMs: num("KEYWARD_WEBHOOK_TIMEOUT_MS"),
    retryWindowMs: num("KEYWARD_WEBHOOK_RETRY_WINDOW_MS"),
    baseDelayMs: num("KEYWARD_WEBHOOK_RETRY_BASE_MS"),
  };
}

function resolved(options: DispatcherOptions) {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    batchSize: options.batchSize ?? 50,
    leaseMs: options.leaseMs ?? Math.max(60_000, timeoutMs * 3),
    timeoutMs,
    retryWindowMs: options.retryWindowMs ?? 24 * HOUR_MS,
    baseDelayMs: options.baseDelayMs ?? 5_000,
    maxDelayMs: options.maxDelayMs ?? 2 * HOUR_MS,
    concurrency: options.concurrency ?? 8,
    resolve: options.resolve,
    now: options.now ?? (() => new Date()),
    email: options.email ?? null,
  };
}

function parsePayload(text: string): Record<string, unknown> {
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

/** Step 1. Returns how many events were dispatched. */
export async function fanOut(db: Db, options: DispatcherOptions = {}): Promise<number> {
  const o = resolved(options);
  const postgres = providerOfDb(db) === "postgres";
  return db.$transaction(async (tx) => {
    const candidates = await tx.outboxEvent.findMany({
      where: { dispatchedAt: null },
      orderBy: { createdAt: "asc" },
      take: o.batchSize,
      select: { id: true },
    });
    if (candidates.length === 0) return 0;
    const locked = await lockRows(
      tx,
      "OutboxEvent",
      candidates.map((c) => c.id),
      postgres,
    );
    // Read again under the lock: another instance may have dispatched one between the two statements.
    const events = await tx.outboxEvent.findMany({ where: { id: { in: locked }, dispatchedAt: null }, orderBy: { createdAt: "asc" } });
    if (events.length === 0) return 0;
    const now = o.now();
    const orgIds = [...new Set(events.map((e) => e.orgId))];
    const endpoints = await tx.webhookEndpoint.findMany({
      where: { orgId: { in: orgIds }, enabled: true },
      select: { id: true, orgId: true, eventTypes: true },
    });
    const deliveries: Prisma.WebhookDeliveryCreateManyInput[] = [];
    const notifications: Prisma.NotificationCreateManyInput[] = [];
    const emails: Prisma.EmailDeliveryCreateManyInput[] = [];
    const parsed = events.map((event) => ({ ...event, payload: parsePayload(event.payload), text: event.payload }));
    const recipients = await notificationRecipients(
      tx,
      parsed.filter((e) => e.type !== "webhook.test"),
    );
    for (const { text, ...event } of parsed) {
      // A test event goes to the one endpoint it was sent to (its delivery already exists), and notifies nobody.
      if (event.type !== "webhook.test") {
        for (const endpoint of endpoints) {
          if (endpoint.orgId !== event.orgId || !endpointWants(endpoint.eventTypes, event.type)) continue;
          deliveries.push({
            id: newId("whd"),
            endpointId: endpoint.id,
            orgId: event.orgId,
            eventId: event.id,
            eventType: event.type,
            nextAttemptAt: now,
            createdAt: now,
          });
        }
        for (const userId of recipients.get(event.id) ?? []) {
          notifications.push({
            id: newId("ntf"),
            orgId: event.orgId,
            userId,
            eventId: event.id,
            type: event.type,
            payload: text,
            createdAt: event.createdAt,
          });
        }
        if (o.email) emails.push(...(await emailsForEvent(tx, o.email.config, event, now)));
      }
    }
    if (deliveries.length > 0) await tx.webhookDelivery.createMany({ data: deliveries });
    if (notifications.length > 0) await tx.notification.createMany({ data: notifications });
    if (emails.length > 0) await tx.emailDelivery.createMany({ data: emails });
    await tx.outboxEvent.updateMany({ where: { id: { in: events.map((e) => e.id) } }, data: { dispatchedAt: now } });
    return events.length;
  });
}

interface ClaimedDelivery {
  id: string;
  eventId: string;
  attempts: number;
  firstAttemptAt: Date | null;
  endpoint: { id: string; orgId: string; url: string; secretEnc: string; enabled: boolean; failingSince: Date | null };
  event: { type: string; payload: string; createdAt: Date } | null;
  allowPrivate: boolean;
}

/** Takes up to batchSize due deliveries for this instance: their nextAttemptAt moves a lease ahead. */
export function claimDueDeliveries(db: Db, options: DispatcherOptions = {}): Promise<ClaimedDelivery[]> {
  const o = resolved(options);
  return claimDue(db, { name: "WebhookDelivery", of: (tx) => tx.webhookDelivery }, o, async (tx, where) => {
    const rows = await tx.webhookDelivery.findMany({
      where,
      include: {
        endpoint: {
          select: {
            id: true,
            orgId: true,
            url: true,
            secretEnc: true,
            enabled: true,
            failingSince: true,
            org: { select: { webhooksAllowPrivate: true } },
          },
        },
      },
    });
    const events = await tx.outboxEvent.findMany({
      where: { id: { in: rows.map((r) => r.eventId) } },
      select: { id: true, type: true, payload: true, createdAt: true },
    });
    const byId = new Map(events.map((e) => [e.id, e]));
    return rows.map((r) => {
      const { org, ...endpoint } = r.endpoint;
      return {
        id: r.id,
        eventId: r.eventId,
        attempts: r.attempts,
        firstAttemptAt: r.firstAttemptAt,
        endpoint,
        event: byId.get(r.eventId) ?? null,
        allowPrivate: org.webhooksAllowPrivate,
      };
    });
  });
}

async function disableEndpoint(db: Db, endpoint: ClaimedDelivery["endpoint"], reason: string, now: Date) {
  await db.$transaction(async (tx) => {
    const { count } = await tx.webhookEndpoint.updateMany({
      where: { id: endpoint.id, enabled: true },
      data: { enabled: false, disabledReason: reason },
    });
    if (count === 0) return;
    await tx.webhookDelivery.updateMany({
      where: { endpointId: endpoint.id, status: "pending" },
      data: { status: "failed", nextAttemptAt: null, lastError: "Endpoint disabled" },
    });
    const row = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id }, select: { url: true, description: true } });
    await recordEvent(tx, {
      orgId: endpoint.orgId,
      type: "webhook.disabled",
      payload: {
        endpoint: { id: endpoint.id, url: row.url, description: row.description },
        reason,
        failingSince: endpoint.failingSince?.toISOString() ?? null,
      },
      at: now,
    });
  });
}

/** Sends claimed deliveries side by side and writes their outcomes: the successes in one statement. */
export async function attempt(db: Db, claimed: readonly ClaimedDelivery[], options: DispatcherOptions = {}): Promise<void> {
  const results = await Promise.all(claimed.map((c) => sendOne(db, c, options)));
  const succeeded = results.filter((r) => r !== null);
  await recordSucceeded(db, succeeded);
  const recovered = [...new Set(claimed.filter((c, i) => results[i] && c.endpoint.failingSince).map((c) => c.endpoint.id))];
  if (recovered.length > 0) await db.webhookEndpoint.updateMany({ where: { id: { in: recovered } }, data: { failingSince: null } });
}

/** Sends one claimed delivery; writes the outcome of a failure, and returns a success for the caller to write. */
async function sendOne(db: Db, claimed: ClaimedDelivery, options: DispatcherOptions): Promise<Succeeded | null> {
  const o = resolved(options);
  if (!claimed.event || !claimed.endpoint.enabled) {
    await db.webhookDelivery.update({
      where: { id: claimed.id },
      data: { status: "failed", nextAttemptAt: null, lastError: claimed.event ? "Endpoint disabled" : "Event no longer exists" },
    });
    return null;
  }
  const startedAt = o.now();
  const firstAttemptAt = claimed.firstAttemptAt ?? startedAt;
  const result = await sendWebhook(
    claimed.endpoint.url,
    openEndpointSecret(claimed.endpoint.secretEnc),
    { id: claimed.eventId, type: claimed.event.type, timestamp: claimed.event.createdAt, data: parsePayload(claimed.event.payload) },
    { allowPrivate: claimed.allowPrivate, timeoutMs: o.timeoutMs, resolve: o.resolve },
  );
  const now = o.now();
  const attempts = claimed.attempts + 1;
  const common = {
    attempts,
    firstAttemptAt,
    lastAttemptAt: startedAt,
    lastStatusCode: result.statusCode,
    lastDurationMs: result.durationMs,
    lastError: result.error,
  };
  if (result.ok) {
    return {
      id: claimed.id,
      attempts,
      firstAttemptAt,
      lastAttemptAt: startedAt,
      lastStatusCode: result.statusCode,
      lastDurationMs: result.durationMs,
    };
  }
  // Retried until the window after the event ends; the last retry falls on its end.
  const windowEnd = claimed.event.createdAt.getTime() + o.retryWindowMs;
  const giveUp = now.getTime() >= windowEnd;
  const next = new Date(Math.min(now.getTime() + retryDelayMs(attempts, o.baseDelayMs, o.maxDelayMs), windowEnd));
  await db.webhookDelivery.update({
    where: { id: claimed.id },
    data: { ...common, status: giveUp ? "failed" : "pending", nextAttemptAt: giveUp ? null : next },
  });
  const failingSince = claimed.endpoint.failingSince ?? startedAt;
  if (!claimed.endpoint.failingSince) {
    await db.webhookEndpoint.updateMany({ where: { id: claimed.endpoint.id, failingSince: null }, data: { failingSince: startedAt } });
  }
  // Persistent failure: a delivery failed for its whole retry window, and nothing succeeded there meanwhile. A resend
  // (attempted before, its first attempt cleared) is one more try, not a measure of the endpoint.
  const resent = claimed.firstAttemptAt === null && claimed.attempts > 0;
  if (giveUp && !resent && failingSince <= firstAttemptAt) {
    const hours = o.retryWindowMs / HOUR_MS;
    const reason = `No successful delivery for ${hours >= 1 ? `${Math.round(hours)} hours` : `${o.retryWindowMs} ms`}`;
    await disableEndpoint(db, { ...claimed.endpoint, failingSince }, reason, now);
  }
  return null;
}

/** One round: fan out what is new, then send what is due. Returns how much it did (0: idle). */
export async function dispatchOnce(db: Db, options: DispatcherOptions = {}): Promise<number> {
  return (await dispatchRound(db, options)).done;
}

/**
 * A round, and whether more may be waiting now: a batch came back full. Only then does the next round start at
 * once; events raised a few at a time while the round ran wait for the next poll, with whatever else arrives by
 * then, instead of each costing a round of its own.
 */
async function dispatchRound(db: Db, options: DispatcherOptions): Promise<{ done: number; more: boolean }> {
  const o = resolved(options);
  let done = 0;
  let dispatched: number;
  do {
    dispatched = await fanOut(db, options);
    done += dispatched;
  } while (dispatched === o.batchSize);
  const claimed = await claimDueDeliveries(db, options);
  for (let i = 0; i < claimed.length; i += o.concurrency) {
    await attempt(db, claimed.slice(i, i + o.concurrency), options);
  }
  const email = o.email;
  const mails = email ? await claimDueEmails(db, o) : [];
  for (let i = 0; i < mails.length; i += o.concurrency) {
    await Promise.all(mails.slice(i, i + o.concurrency).map((m) => attemptEmail(db, email!.sender, m, o)));
  }
  return { done: done + claimed.length + mails.length, more: claimed.length === o.batchSize || mails.length === o.batchSize };
}

export interface Dispatcher {
  /** Runs a round now (tests, and after a change the caller knows of). */
  poke(): void;
  stop(): Promise<void>;
}

/** Polls every intervalMs (at once again while a batch comes back full); a failed round is logged and retried next tick. */
export function startDispatcher(
  db: Db,
  options: DispatcherOptions & { intervalMs?: number; onError?: (error: unknown) => void; onSuccess?: () => void } = {},
): Dispatcher {
  const intervalMs = options.intervalMs ?? 1000;
  let running: Promise<void> | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const round = () => {
    if (running || stopped) return;
    clearTimeout(timer);
    running = dispatchRound(db, options)
      .then(({ more }) => {
        options.onSuccess?.();
        return more;
      })
      .catch((error: unknown) => {
        options.onError?.(error);
        return false;
      })
      .then((more) => {
        running = null;
        if (!stopped) timer = setTimeout(round, more ? 0 : intervalMs);
      });
  };
  timer = setTimeout(round, 0);
  return {
    poke: round,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
