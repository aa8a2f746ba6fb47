import { describe, expect, it } from "vitest";
import { TokenBuckets, rateLimitFromEnv } from "./rate-limit";

describe("TokenBuckets", () => {
  it("allows a burst up to the capacity, then refuses with the time until the next token", () => {
    const buckets = new TokenBuckets({ capacity: 3, refillPerSecond: 0.5 });
    const t = 1_000_000;
    expect([1, 2, 3].map(() => buckets.take("key_a", t).allowed)).toEqual([true, true, true]);
    expect(buckets.take("key_a", t)).toEqual({ allowed: false, retryAfterSeconds: 2 });
    // Another key has its own bucket.
    expect(buckets.take("key_b", t).allowed).toBe(true);
    // Two seconds refill one token at 0.5/s.
    expect(buckets.take("key_a", t + 2000).allowed).toBe(true);
    expect(buckets.take("key_a", t + 2000).allowed).toBe(false);
  });

  it("never stores more than the capacity, however long a key was idle", () => {
    const buckets = new TokenBuckets({ capacity: 2, refillPerSecond: 10 });
    buckets.take("key_a", 0);
    const later = 10_000_000;
    expect([1, 2, 3].map(() => buckets.take("key_a", later).allowed)).toEqual([true, true, false]);
  });

  it("reads KEYWARD_API_RATE_LIMIT as requests per minute, defaulting to 600", () => {
    expect(rateLimitFromEnv({})).toEqual({ capacity: 600, refillPerSecond: 10 });
    expect(rateLimitFromEnv({ KEYWARD_API_RATE_LIMIT: "60" })).toEqual({ capacity: 60, refillPerSecond: 1 });
    expect(rateLimitFromEnv({ KEYWARD_API_RATE_LIMIT: "nonsense" }).capacity).toBe(600);
  });
});
