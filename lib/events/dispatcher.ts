import type { Db } from "../db/client";
import type { EmailConfig } from "../email/config";
import { attemptEmail, claimDueEmails, type EmailSender } from "../email/deliver";
import { openEndpointSecret } from "../webhooks/secret";
import { sendWebhook } from "../webhooks/send";
import type { Resolver } from "../webhooks/ssrf";
import { fanOut as fanOutBatch, parsePayload, type ClaimedDelivery, type FannedOut } from "./fan-out";
import { recordEvent } from "./record";
import { claimDue } from "./claim";
import { dispatchPending } from "./pending";
import { recordSucceeded, type Succeeded } from "./succeeded";
import { retryDelayMs } from "./retry";

export { retryDelayMs };
export { endpointWants, type ClaimedDelivery } from "./fan-out";

// The background half of the outbox. Two steps, each safe with several instances on one PostgreSQL database:
// 1. fan-out (./fan-out.ts): events not yet dispatched become deliveries, notifications and emails in one
//    transaction, the events' rows locked FOR UPDATE SKIP LOCKED so two instances take different events; the new
//    deliveries are leased to this instance in that transaction and sent at once;
// 2. delivery: other due deliveries (retries, and those whose lease ended) are claimed (locked the same way) by
//    pushing nextAttemptAt past a lease, then sent outside any transaction. Success or failure is written after; an
//    instance that dies mid-attempt leaves the delivery to be claimed again when the lease ends — at-least-once, with
//    the same webhook-id.
// A round first asks whether either step has anything to do (./pending.ts); an idle round stops there.
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

/** Step 1 (./fan-out.ts): what is new becomes deliveries, notifications and emails; its deliveries are leased here. */
export function fanOut(db: Db, options: DispatcherOptions = {}): Promise<FannedOut> {
  return fanOutBatch(db, resolved(options));
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

/**
 * Sends claimed deliveries, up to `concurrency` side by side, and writes their outcomes: each failure as it comes
 * (its retry or giving up), the successes together in one statement at the end — also when a failure's write threw,
 * so what was acknowledged is not sent again; that error is thrown after.
 */
export async function attempt(db: Db, claimed: readonly ClaimedDelivery[], options: DispatcherOptions = {}): Promise<void> {
  const o = resolved(options);
  const secrets = new Map<string, string>();
  const secretOf = (sealed: string) => secrets.get(sealed) ?? secrets.set(sealed, openEndpointSecret(sealed)).get(sealed)!;
  const results: (Succeeded | null)[] = [];
  const errors: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < claimed.length) {
      const i = next++;
      try {
        results[i] = await sendOne(db, claimed[i], o, secretOf);
      } catch (error) {
        errors.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.concurrency, claimed.length) }, worker));
  const succeeded = claimed.flatMap((c, i) => (results[i] ? [{ delivery: c, result: results[i] }] : []));
  await recordSucceeded(
    db,
    succeeded.map((s) => s.result),
  );
  const recovered = [...new Set(succeeded.filter((s) => s.delivery.endpoint.failingSince).map((s) => s.delivery.endpoint.id))];
  if (recovered.length > 0) await db.webhookEndpoint.updateMany({ where: { id: { in: recovered } }, data: { failingSince: null } });
  if (errors.length > 0) throw errors[0];
}

/** Sends one claimed delivery; writes the outcome of a failure, and returns a success for the caller to write. */
async function sendOne(
  db: Db,
  claimed: ClaimedDelivery,
  o: ReturnType<typeof resolved>,
  secretOf: (sealed: string) => string,
): Promise<Succeeded | null> {
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
    secretOf(claimed.endpoint.secretEnc),
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
  if (!(await dispatchPending(db, o.now(), o.email !== null))) return { done: 0, more: false };
  // What was due before this round first: a delivery that fails now is not retried within the round.
  const claimed = await claimDueDeliveries(db, options);
  await attempt(db, claimed, options);
  let done = 0;
  let fanned: FannedOut;
  do {
    fanned = await fanOut(db, options);
    done += fanned.events;
    await attempt(db, fanned.deliveries, options);
  } while (fanned.events === o.batchSize);
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
