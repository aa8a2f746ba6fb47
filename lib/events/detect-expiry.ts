import type { Db } from "../db/client";
import { errorMessage } from "../error-message";
import { log } from "../log";
import { recordEvent } from "./record";

const DAY_MS = 86_400_000;

/** key.expiring fires at each of these before expiry (largest first), once per key and expiry date. */
export const EXPIRING_THRESHOLDS = [
  { label: "14d", ms: 14 * DAY_MS },
  { label: "3d", ms: 3 * DAY_MS },
  { label: "1d", ms: DAY_MS },
] as const;

// A key that expired longer ago than this before the job first saw it (the job was off, or is new) is not reported.
const EXPIRED_LOOKBACK_MS = 7 * DAY_MS;
// KeyDenialCount rows are only read for the last five minutes.
const DENIAL_COUNTS_KEPT_MS = 60 * 60 * 1000;

/** KEYWARD_EXPIRY_SCAN_MS: how often each instance looks for keys reaching an expiry threshold (≥ 100 ms), else 5 min. */
export function expiryScanEveryMs(env: NodeJS.ProcessEnv = process.env): number {
  const ms = Number(env.KEYWARD_EXPIRY_SCAN_MS);
  return Number.isInteger(ms) && ms >= 100 ? ms : 5 * 60 * 1000;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string })?.code === "P2002";

interface Due {
  key: { id: string; orgId: string; name: string; expiresAt: Date };
  /** Marks to write (KeyDetection kinds); the first is the one reported. */
  kinds: string[];
  type: "key.expiring" | "key.expired";
  threshold: string | null;
}

/** What is due for a key at `now` and not yet marked: only the tightest threshold is reported, the others are marked. */
function dueFor(key: Due["key"], marked: Set<string>, now: Date): Due | null {
  const at = key.expiresAt.getTime();
  const left = at - now.getTime();
  if (left <= 0) {
    const kind = `expired:${at}`;
    return marked.has(kind) ? null : { key, kinds: [kind], type: "key.expired", threshold: null };
  }
  const reached = EXPIRING_THRESHOLDS.filter((t) => left <= t.ms);
  if (reached.length === 0) return null;
  const tightest = reached[reached.length - 1];
  const kind = (label: string) => `expiring:${label}:${at}`;
  if (marked.has(kind(tightest.label))) return null;
  const kinds = [tightest, ...reached.slice(0, -1)].map((t) => kind(t.label)).filter((k) => !marked.has(k));
  return { key, kinds, type: "key.expiring", threshold: tightest.label };
}

/**
 * Reports key.expiring (14, 3 and 1 day before) and key.expired for keys that are not revoked. Each report is a
 * KeyDetection row written in the same transaction as its outbox row: with several instances scanning, only
 * the one whose insert succeeds reports. Returns the number of events written.
 */
export async function scanExpiries(db: Db, now: Date = new Date()): Promise<number> {
  const keys = await db.apiKey.findMany({
    where: {
      revokedAt: null,
      expiresAt: { gt: new Date(now.getTime() - EXPIRED_LOOKBACK_MS), lte: new Date(now.getTime() + EXPIRING_THRESHOLDS[0].ms) },
    },
    select: { id: true, orgId: true, name: true, expiresAt: true },
  });
  if (keys.length === 0) return 0;
  const marks = await db.keyDetection.findMany({
    where: { keyId: { in: keys.map((k) => k.id) }, OR: [{ kind: { startsWith: "expiring:" } }, { kind: { startsWith: "expired:" } }] },
    select: { keyId: true, kind: true },
  });
  const marked = new Map<string, Set<string>>();
  for (const m of marks) marked.set(m.keyId, (marked.get(m.keyId) ?? new Set()).add(m.kind));
  let written = 0;
  for (const key of keys) {
    const due = dueFor(key as Due["key"], marked.get(key.id) ?? new Set(), now);
    if (!due) continue;
    try {
      await db.$transaction(async (tx) => {
        await tx.keyDetection.createMany({ data: due.kinds.map((kind) => ({ keyId: key.id, kind, at: now })) });
        const daysLeft = Math.max(0, Math.ceil((due.key.expiresAt.getTime() - now.getTime()) / DAY_MS));
        await recordEvent(tx, {
          orgId: key.orgId,
          type: due.type,
          at: now,
          payload: {
            keyId: key.id,
            keyName: key.name,
            orgId: key.orgId,
            expiresAt: due.key.expiresAt.toISOString(),
            ...(due.type === "key.expiring" ? { threshold: due.threshold, daysLeft } : {}),
          },
        });
      });
      written += 1;
    } catch (error) {
      // Another instance reported it first.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  return written;
}

/** Drops per-minute denial counts no burst window reads any more. */
export async function pruneDenialCounts(db: Db, now: Date = new Date()): Promise<number> {
  const { count } = await db.keyDenialCount.deleteMany({ where: { minute: { lt: new Date(now.getTime() - DENIAL_COUNTS_KEPT_MS) } } });
  return count;
}

/** Runs the scan (and the denial-count pruning) soon after start, then every `everyMs`; the timers never keep the process alive. */
export function scheduleDetections(db: Db, everyMs = expiryScanEveryMs(), clock: () => Date = () => new Date()): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    const now = clock();
    Promise.all([scanExpiries(db, now), pruneDenialCounts(db, now)])
      .catch((error) => log.error(`events: expiry scan failed: ${errorMessage(error)}`))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(run, Math.min(everyMs, 30_000));
  const every = setInterval(run, everyMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
