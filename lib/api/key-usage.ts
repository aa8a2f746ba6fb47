import { z } from "zod";
import type { Db } from "../db/client";
import { loadOrgKey } from "../api-keys/load-key";
import { ALLOWED_OUTCOME } from "../usage/outcomes";

export const USAGE_DAYS_MAX = 90;
export const USAGE_DAYS_DEFAULT = 30;

export const usageQuerySchema = z.object({
  days: z.coerce
    .number({ error: "days must be a number" })
    .int("days must be a whole number")
    .min(1, "days must be at least 1")
    .max(USAGE_DAYS_MAX, `days can be at most ${USAGE_DAYS_MAX}`)
    .default(USAGE_DAYS_DEFAULT),
});

export interface UsageDay {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  requests: number;
  allowed: number;
  denied: number;
}

export interface KeyUsageReport {
  keyId: string;
  days: number;
  /** First instant counted (00:00 UTC, `days` days back including today) and the time of the report. */
  from: string;
  to: string;
  totals: { requests: number; allowed: number; denied: number; averagePerDay: number };
  /** Request count per verification outcome, e.g. { OK: 120, IP_NOT_ALLOWED: 3 }. */
  byOutcome: Record<string, number>;
  /** Oldest day first, one entry per day, zero-filled. */
  daily: UsageDay[];
  lastUsed: { at: string | null; ip: string | null; userAgent: string | null };
}

const DAY_MS = 24 * 60 * 60 * 1000;

function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** A key's requests per day from the hourly rollups (never the raw events), with totals and last use. */
export async function keyUsage(db: Db, orgId: string, keyId: string, days: number, now = new Date()): Promise<KeyUsageReport> {
  const key = await loadOrgKey(db, orgId, keyId);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const from = new Date(today - (days - 1) * DAY_MS);
  const rollups = await db.usageRollup.findMany({
    where: { orgId, keyId: key.id, hour: { gte: from, lte: now } },
    select: { hour: true, outcome: true, count: true },
  });
  const daily = new Map<string, UsageDay>();
  for (let i = 0; i < days; i++) {
    const date = utcDay(new Date(from.getTime() + i * DAY_MS));
    daily.set(date, { date, requests: 0, allowed: 0, denied: 0 });
  }
  const byOutcome: Record<string, number> = {};
  let allowed = 0;
  let denied = 0;
  for (const row of rollups) {
    const day = daily.get(utcDay(row.hour));
    if (!day) continue;
    day.requests += row.count;
    byOutcome[row.outcome] = (byOutcome[row.outcome] ?? 0) + row.count;
    if (row.outcome === ALLOWED_OUTCOME) {
      day.allowed += row.count;
      allowed += row.count;
    } else {
      day.denied += row.count;
      denied += row.count;
    }
  }
  const requests = allowed + denied;
  return {
    keyId: key.id,
    days,
    from: from.toISOString(),
    to: now.toISOString(),
    totals: { requests, allowed, denied, averagePerDay: Math.round((requests / days) * 10) / 10 },
    byOutcome,
    daily: [...daily.values()],
    lastUsed: { at: key.lastUsedAt?.toISOString() ?? null, ip: key.lastUsedIp, userAgent: key.lastUsedUserAgent },
  };
}
