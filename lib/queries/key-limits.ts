import type { Db } from "../db/client";
import { formatDuration, quotaPeriod, rateWindow, resolvePolicy } from "../ratelimits/policy";

const LIMITS = { rateLimits: true, quota: true, quotaRefill: true, quotaRefillAmount: true, quotaSetAt: true } as const;

export interface KeyLimitState {
  rateLimits: { name: string; limit: number; duration: string; used: number; remaining: number; resetsAt: string; fromTier: boolean }[];
  quota: { allowance: number; remaining: number; refillsAt: string | null } | null;
}

/**
 * What the key may still spend right now, as every instance has counted it (each adds its counts every
 * KEYWARD_RATELIMIT_SYNC_MS, so this is at most that far behind). null when nothing limits the key.
 */
export async function keyLimitState(db: Db, orgId: string, keyId: string, now = new Date()): Promise<KeyLimitState | null> {
  const key = await db.apiKey.findFirst({ where: { id: keyId, orgId }, select: { ...LIMITS, tier: { select: LIMITS } } });
  if (!key) return null;
  const policy = resolvePolicy(key, key.tier);
  if (!policy) return null;
  const own = new Set(resolvePolicy({ ...key, quota: null }, null)?.rateLimits.map((l) => l.name) ?? []);
  const at = now.getTime();
  const windows = policy.rateLimits.map((limit) => rateWindow(limit, at));
  const period = policy.quota ? quotaPeriod(policy.quota, at) : null;
  const rows = await db.rateLimitCounter.findMany({
    where: { keyId, bucket: { in: [...windows, ...(period ? [period] : [])].map((p) => p.bucket) } },
    select: { bucket: true, count: true },
  });
  const counted = new Map(rows.map((r) => [r.bucket, Number(r.count)]));
  return {
    rateLimits: policy.rateLimits.map((limit, i) => {
      const used = counted.get(windows[i].bucket) ?? 0;
      return {
        name: limit.name,
        limit: limit.limit,
        duration: formatDuration(limit.duration),
        used,
        remaining: Math.max(0, limit.limit - used),
        resetsAt: new Date(windows[i].reset!).toISOString(),
        fromTier: !own.has(limit.name),
      };
    }),
    quota: period
      ? {
          allowance: period.allowance,
          remaining: Math.max(0, period.allowance - (counted.get(period.bucket) ?? 0)),
          refillsAt: period.reset === null ? null : new Date(period.reset).toISOString(),
        }
      : null,
  };
}
