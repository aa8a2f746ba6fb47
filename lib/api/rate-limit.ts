// A token bucket per API key, in this process's memory: enough to stop one runaway script from starving
// the others. Several instances each apply their own bucket; a shared limiter would need a shared store.

export interface RateLimit {
  /** Requests a key may burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export function rateLimitFromEnv(env: Record<string, string | undefined> = process.env): RateLimit {
  // KEYWARD_API_RATE_LIMIT: sustained requests per minute per key; the burst is the same number.
  const perMinute = Number(env.KEYWARD_API_RATE_LIMIT);
  const rate = Number.isFinite(perMinute) && perMinute >= 1 ? Math.floor(perMinute) : 600;
  return { capacity: Math.min(rate, 1000), refillPerSecond: rate / 60 };
}

interface Bucket {
  tokens: number;
  at: number;
}

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

const MAX_BUCKETS = 10_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly limit: RateLimit) {}

  take(id: string, nowMs = Date.now()): RateDecision {
    const { capacity, refillPerSecond } = this.limit;
    const bucket = this.buckets.get(id) ?? { tokens: capacity, at: nowMs };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((nowMs - bucket.at) / 1000) * refillPerSecond);
    bucket.at = nowMs;
    // Re-inserting keeps the Map in least-recently-used order for the eviction below.
    this.buckets.delete(id);
    this.buckets.set(id, bucket);
    if (this.buckets.size > MAX_BUCKETS) this.buckets.delete(this.buckets.keys().next().value as string);
    if (bucket.tokens < 1) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerSecond)) };
    }
    bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens) };
  }
}

// Next can load a route's modules more than once per process; one store on globalThis keeps one bucket per key.
const store = globalThis as unknown as { keywardApiBuckets?: TokenBuckets };

export function apiBuckets(): TokenBuckets {
  store.keywardApiBuckets ??= new TokenBuckets(rateLimitFromEnv());
  return store.keywardApiBuckets;
}
