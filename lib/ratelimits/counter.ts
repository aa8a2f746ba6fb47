import { quotaPeriod, rateWindow, type KeyPolicy, type Period, type Quota, type RateLimit } from "./policy";

export type LimitOutcome = "OK" | "USAGE_EXCEEDED" | "RATE_LIMITED";

export interface RateLimitState {
  name: string;
  limit: number;
  remaining: number;
  /** Epoch ms when the window ends. */
  reset: number;
}

export interface QuotaState {
  remaining: number;
  /** Epoch ms of the next refill; null when the quota never refills. */
  refillAt: number | null;
}

export interface LimitDecision {
  outcome: LimitOutcome;
  ratelimits: RateLimitState[];
  quota: QuotaState | null;
}

/** One counter: what the database held at the last read (every instance's), plus what this one spent since. */
export interface Bucket {
  keyId: string;
  bucket: string;
  /** Epoch ms after which the counter is of no use. */
  expiresAt: number;
  global: number;
  pending: number;
  /** When `global` was last read from the database (or known to be 0); -Infinity: never. */
  readAt: number;
  loading: Promise<void> | null;
  lastUsed: number;
  /** Dropped from the map (collect): a plan holding it is stale. */
  evicted?: boolean;
}

interface Track {
  keyId: string;
  period: (now: number) => Period;
  lastUsed: number;
  dropped?: boolean;
}

/** One limit (or the quota) of a key as counted now: its period, and the counter of that period. */
interface Counted {
  track: Track;
  period: Period;
  bucket: Bucket;
}

/**
 * A key's counters for its current periods, kept between requests: a request within the same periods reaches
 * its counters without building a period, its names and two Map lookups per limit again.
 */
interface Plan {
  policy: KeyPolicy;
  quota: Counted | null;
  limits: Counted[];
}

export interface LimitCounterOptions {
  /**
   * Other instances count into the same database (PostgreSQL): a counter is trusted only while its last read
   * is recent, and kept read back while the key is in use here. false (SQLite, one instance): only this
   * instance counts, so a counter it has is exact; the database is read once per counter, for what was counted
   * before a restart.
   */
  shared?: boolean;
  /** The sync interval T (ms). */
  syncMs?: number;
}

// A quota that never refills has no period end; its database row is kept this long after its last use.
const IDLE_QUOTA_TTL_MS = 400 * 24 * 60 * 60 * 1000;
const IDLE_EVICT_MS = 10 * 60 * 1000;
/** Shared: a counter used here within this long is read back at every sync. */
export const KEEP_READING_MS = 1000;

function used(b: Bucket): number {
  return b.global + b.pending;
}

/**
 * The local side of the limiter. Alone (the default, and on SQLite) it is exact: it never accepts past a limit.
 * Shared, it decides from every instance's count as of its last read, which a sync renews every T while the
 * key is in use here; a counter last read more than 2T ago (or never) is read before deciding.
 */
export class LimitCounter {
  readonly buckets = new Map<string, Bucket>();
  /** Key limits counted here; shared, those used recently have their current window created (and read) at each sync. */
  private readonly tracks = new Map<string, Track>();
  private readonly plans = new Map<string, Plan>();
  private readonly shared: boolean;
  private readonly syncMs: number;

  constructor(options: LimitCounterOptions = {}) {
    this.shared = options.shared ?? false;
    this.syncMs = options.syncMs ?? 100;
  }

  /**
   * `known`: this instance has counted this limit of the key without a break, so (alone) a new period's count
   * is what it counts from now on.
   */
  private bucketFor(keyId: string, period: Period, now: number, known = false): Bucket {
    const id = `${keyId}|${period.bucket}`;
    let b = this.buckets.get(id);
    if (!b) {
      // Shared, a period that began a moment ago holds nothing a sync would not bring within the bound. Alone,
      // only what this instance has counted without a break is known: anything else (a restart) is read.
      const justBegun = this.shared && now - period.start <= this.syncMs;
      b = {
        keyId,
        bucket: period.bucket,
        expiresAt: period.reset ?? now + IDLE_QUOTA_TTL_MS,
        global: 0,
        pending: 0,
        readAt: justBegun || (known && !this.shared) ? period.start : -Infinity,
        loading: null,
        lastUsed: now,
      };
      this.buckets.set(id, b);
    }
    return b;
  }

  private counted(keyId: string, what: RateLimit | Quota, period: Period, now: number): Counted {
    const id = "name" in what ? `${keyId}|r:${what.name}:${what.duration}` : `${keyId}|q:${what.setAt}`;
    let track = this.tracks.get(id);
    const known = track !== undefined;
    if (track) track.lastUsed = now;
    else {
      track = { keyId, period: "name" in what ? (at) => rateWindow(what, at) : (at) => quotaPeriod(what, at), lastUsed: now };
      this.tracks.set(id, track);
    }
    const bucket = this.bucketFor(keyId, period, now, known);
    bucket.lastUsed = now;
    return { track, period, bucket };
  }

  /** Still the counter for `now`: the same period (periods are [start, reset)), neither it nor its track dropped. */
  private static holds(c: Counted, now: number): boolean {
    return !c.bucket.evicted && !c.track.dropped && now >= c.period.start && (c.period.reset === null || now < c.period.reset);
  }

  /** The key's counters for `now`, as counted() finds them; the kept plan when it still holds. */
  private planFor(keyId: string, policy: KeyPolicy, now: number): Plan {
    const kept = this.plans.get(keyId);
    if (
      kept !== undefined &&
      kept.policy === policy &&
      (kept.quota === null || LimitCounter.holds(kept.quota, now)) &&
      kept.limits.every((c) => LimitCounter.holds(c, now))
    ) {
      if (kept.quota) kept.quota.track.lastUsed = kept.quota.bucket.lastUsed = now;
      for (const c of kept.limits) c.track.lastUsed = c.bucket.lastUsed = now;
      return kept;
    }
    const plan: Plan = {
      policy,
      quota: policy.quota ? this.counted(keyId, policy.quota, quotaPeriod(policy.quota, now), now) : null,
      limits: policy.rateLimits.map((limit) => this.counted(keyId, limit, rateWindow(limit, now), now)),
    };
    this.plans.set(keyId, plan);
    return plan;
  }

  /** Whether a counter's count can be decided on without reading the database first. */
  private current(b: Bucket, now: number): boolean {
    if (b.readAt === -Infinity) return false;
    return !this.shared || now - b.readAt <= 2 * this.syncMs;
  }

  /**
   * Quota first, then every rate limit; only if all of them have room for `cost` is it spent, on all of them
   * (a denied request spends nothing). A cost of 0 checks without spending: it is denied only at zero.
   * Returns the counters that must be read first when their count is unknown here (or, shared, too old).
   */
  decide(keyId: string, policy: KeyPolicy, cost: number, now: number): LimitDecision | { load: Bucket[] } {
    const { quota, limits } = this.planFor(keyId, policy, now);
    // Plain loops over the kept plan: this runs on every request of a limited key.
    let stale = quota !== null && !this.current(quota.bucket, now);
    for (let i = 0; i < limits.length && !stale; i++) stale = !this.current(limits[i].bucket, now);
    if (stale) return { load: [...(quota ? [quota] : []), ...limits].map((c) => c.bucket).filter((b) => !this.current(b, now)) };

    const denies = (c: Counted) => {
      const remaining = c.period.allowance - used(c.bucket);
      return remaining <= 0 || remaining < cost;
    };
    let outcome: LimitOutcome = "OK";
    if (quota && denies(quota)) outcome = "USAGE_EXCEEDED";
    else if (limits.some(denies)) outcome = "RATE_LIMITED";
    if (outcome === "OK" && cost > 0) {
      if (quota) quota.bucket.pending += cost;
      for (const c of limits) c.bucket.pending += cost;
    }
    const ratelimits = new Array<RateLimitState>(limits.length);
    for (let i = 0; i < limits.length; i++) {
      const { period, bucket } = limits[i];
      const limit = policy.rateLimits[i];
      ratelimits[i] = {
        name: limit.name,
        limit: limit.limit,
        remaining: Math.max(0, period.allowance - used(bucket)),
        reset: period.reset!,
      };
    }
    return {
      outcome,
      ratelimits,
      quota: quota ? { remaining: Math.max(0, quota.period.allowance - used(quota.bucket)), refillAt: quota.period.reset } : null,
    };
  }

  /**
   * What the next sync sends: every counter with something spent here since the last one, and (shared) every
   * counter used here within KEEP_READING_MS, with a delta of 0, to read the other instances' counts back.
   */
  collect(now: number): { bucket: Bucket; delta: number }[] {
    const out: { bucket: Bucket; delta: number }[] = [];
    for (const [id, t] of this.tracks) {
      if (now - t.lastUsed > (this.shared ? KEEP_READING_MS : IDLE_EVICT_MS)) {
        this.tracks.delete(id);
        t.dropped = true;
        this.plans.delete(t.keyId);
        continue;
      }
      // The window that follows one in use here is read at its start, before its first request needs it.
      if (this.shared) this.bucketFor(t.keyId, t.period(now), now).lastUsed = t.lastUsed;
    }
    for (const [id, b] of this.buckets) {
      const reading = this.shared && now - b.lastUsed <= KEEP_READING_MS;
      if (b.pending === 0 && !reading) {
        if (b.loading === null && (b.expiresAt < now || now - b.lastUsed > IDLE_EVICT_MS)) {
          this.buckets.delete(id);
          b.evicted = true;
        }
        continue;
      }
      if (b.readAt === -Infinity && b.pending === 0 && b.loading !== null) continue;
      out.push({ bucket: b, delta: b.pending });
    }
    return out;
  }

  /** The database added `delta` and held `count` (every instance's) when the sync started at `startedAt`. */
  applyFlushed(b: Bucket, delta: number, count: number, startedAt: number): void {
    b.pending -= delta;
    b.global = count;
    b.readAt = Math.max(b.readAt, startedAt);
  }

  /** A read of the database's count, started at `startedAt`; it includes what this instance flushed before it. */
  applyLoaded(b: Bucket, count: number, startedAt: number): void {
    b.global = Math.max(b.global, count);
    b.readAt = Math.max(b.readAt, startedAt);
  }

  /** The database could not be read: decide on what is known here rather than fail every verification. */
  loadFailed(b: Bucket, now: number): void {
    b.readAt = Math.max(b.readAt, now);
  }
}
