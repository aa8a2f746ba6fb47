// Rate limits and quotas as the hot path applies them: pure rules over plain values (no framework, no
// database), so the same code answers on every instance and in the property tests.

export const MIN_DURATION_MS = 1000;
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;
export const MAX_LIMIT = 1_000_000_000;
export const MAX_RATE_LIMITS = 10;
export const RATE_LIMIT_NAME_PATTERN = /^[a-z0-9][a-z0-9_:.-]{0,31}$/;
export const REFILL_INTERVALS = ["daily", "monthly"] as const;
export type RefillInterval = (typeof REFILL_INTERVALS)[number];

export interface RateLimit {
  name: string;
  /** Requests (cost units) allowed per window. */
  limit: number;
  /** The window's length in ms; windows start at multiples of it since the epoch, the same on every instance. */
  duration: number;
}

export interface Quota {
  /** Credits in the first period. */
  limit: number;
  refill: { interval: RefillInterval; amount: number } | null;
  /** Epoch ms the quota was set: the first period starts here. */
  setAt: number;
}

export interface KeyPolicy {
  rateLimits: RateLimit[];
  quota: Quota | null;
}

/** The stored form of a key's or a tier's limits and quota (JSON text for the limits, as written by the schemas). */
export interface StoredLimits {
  rateLimits: string;
  quota: number | null;
  quotaRefill: string | null;
  quotaRefillAmount: number | null;
  quotaSetAt: Date | null;
}

export function parseRateLimits(json: string): RateLimit[] {
  try {
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value)) return [];
    return (value as Partial<RateLimit>[]).filter(
      (l): l is RateLimit =>
        typeof l?.name === "string" && Number.isSafeInteger(l.limit) && Number.isSafeInteger(l.duration) && (l.duration ?? 0) > 0,
    );
  } catch {
    return [];
  }
}

function storedQuota(stored: StoredLimits): Quota | null {
  if (stored.quota === null) return null;
  const interval = REFILL_INTERVALS.find((i) => i === stored.quotaRefill);
  return {
    limit: stored.quota,
    refill: interval ? { interval, amount: stored.quotaRefillAmount ?? stored.quota } : null,
    setAt: stored.quotaSetAt?.getTime() ?? 0,
  };
}

/**
 * A key's own limits and quota over its tier's: a limit of the same name and an own quota replace the tier's.
 * null when nothing limits the key (the hot path then skips the limiter entirely).
 */
export function resolvePolicy(key: StoredLimits, tier: StoredLimits | null): KeyPolicy | null {
  const own = parseRateLimits(key.rateLimits);
  const names = new Set(own.map((l) => l.name));
  const inherited = tier ? parseRateLimits(tier.rateLimits).filter((l) => !names.has(l.name)) : [];
  const quota = storedQuota(key) ?? (tier ? storedQuota(tier) : null);
  const rateLimits = [...own, ...inherited];
  if (rateLimits.length === 0 && quota === null) return null;
  return { rateLimits, quota };
}

/** One counting period: a rate limit's window or a quota's refill period. */
export interface Period {
  /** Names the period's counter, the same on every instance. */
  bucket: string;
  start: number;
  /** When the period ends (its counter starts afresh); null for a quota that never refills. */
  reset: number | null;
  /** What may be spent in it. */
  allowance: number;
}

export function rateWindow(limit: RateLimit, now: number): Period {
  const start = now - (((now % limit.duration) + limit.duration) % limit.duration);
  return { bucket: `r:${limit.name}:${limit.duration}:${start}`, start, reset: start + limit.duration, allowance: limit.limit };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** `from` plus n calendar months (UTC), on the same day of the month or the month's last day if it is shorter. */
export function addMonths(from: number, n: number): number {
  const d = new Date(from);
  const target = new Date(
    Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()),
  );
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

/**
 * The quota's period at `now`: the first (from setAt) allows `limit`, each refill period after it the refill amount.
 * Periods count from when the quota was set — daily every 24 h, monthly on the same day of the month.
 */
export function quotaPeriod(quota: Quota, now: number): Period {
  const { setAt, refill } = quota;
  if (refill === null || now < setAt) {
    return { bucket: `q:${setAt}:0`, start: setAt, reset: refill === null ? null : nextStart(quota, 0), allowance: quota.limit };
  }
  let index: number;
  if (refill.interval === "daily") index = Math.floor((now - setAt) / DAY_MS);
  else {
    const a = new Date(setAt);
    const b = new Date(now);
    index = (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth());
    while (index > 0 && addMonths(setAt, index) > now) index -= 1;
  }
  const start = index === 0 ? setAt : periodStart(quota, index);
  return { bucket: `q:${setAt}:${index}`, start, reset: nextStart(quota, index), allowance: index === 0 ? quota.limit : refill.amount };
}

function periodStart(quota: Quota, index: number): number {
  return quota.refill?.interval === "monthly" ? addMonths(quota.setAt, index) : quota.setAt + index * DAY_MS;
}

function nextStart(quota: Quota, index: number): number {
  return periodStart(quota, index + 1);
}

/** Parses "10s", "1m", "1h", "1d" or a number of ms into ms; null if it is none of those. */
export function parseDuration(text: string): number | null {
  const match = /^(\d{1,8})(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: DAY_MS }[(match[2] ?? "ms") as "ms"];
  return Number(match[1]) * unit;
}

/** 10000 → "10s", 3600000 → "1h" (the largest unit that divides it). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", DAY_MS],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
