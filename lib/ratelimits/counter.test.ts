// The limiter's local core against simple reference models: random request sequences under a moving clock.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LimitCounter, type LimitDecision } from "./counter";
import { addMonths, quotaPeriod, resolvePolicy, type KeyPolicy } from "./policy";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);

// A counter alone over an empty database: a counter it has not seen begin is read (and found empty) first.
const alone = () => new LimitCounter({ syncMs: 100 });

function decide(counter: LimitCounter, policy: KeyPolicy, cost: number, now: number): LimitDecision {
  let d = counter.decide("key_a", policy, cost, now);
  if ("load" in d) {
    for (const b of d.load) counter.applyLoaded(b, 0, now);
    d = counter.decide("key_a", policy, cost, now);
  }
  if ("load" in d) throw new Error("a counter just read needs no second read");
  return d;
}

// A step of the clock: mostly small, sometimes a jump over several windows.
const step = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 20_000 }), fc.constant(0));
const request = fc.record({ dt: step, cost: fc.integer({ min: 0, max: 4 }) });

describe("rate limits against a reference model", () => {
  it("accepts exactly what a per-window tally allows, never past the limit, and windows roll over", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 8 }).map((s) => s * 1000),
        fc.array(request, { maxLength: 200 }),
        (limit, duration, requests) => {
          const counter = alone();
          const policy: KeyPolicy = { rateLimits: [{ name: "api", limit, duration }], quota: null };
          const spent = new Map<number, number>();
          let now = T0;
          for (const { dt, cost } of requests) {
            now += dt;
            const window = Math.floor(now / duration) * duration;
            const used = spent.get(window) ?? 0;
            const allowed = limit - used > 0 && limit - used >= cost;
            if (allowed) spent.set(window, used + cost);
            const d = decide(counter, policy, cost, now);
            expect(d.outcome).toBe(allowed ? "OK" : "RATE_LIMITED");
            expect(d.ratelimits).toEqual([{ name: "api", limit, remaining: limit - (spent.get(window) ?? 0), reset: window + duration }]);
            expect(spent.get(window) ?? 0).toBeLessThanOrEqual(limit);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("with two limits and a quota: a request is spent on all of them or on none (a denial spends nothing)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.array(request, { maxLength: 150 }), (quota, requests) => {
        const counter = alone();
        const policy: KeyPolicy = {
          rateLimits: [
            { name: "burst", limit: 3, duration: 1000 },
            { name: "minute", limit: 10, duration: 60_000 },
          ],
          quota: { limit: quota, refill: null, setAt: T0 },
        };
        const burst = new Map<number, number>();
        const minute = new Map<number, number>();
        let credits = quota;
        let now = T0;
        for (const { dt, cost } of requests) {
          now += dt;
          const b = Math.floor(now / 1000);
          const m = Math.floor(now / 60_000);
          const fits = (left: number) => left > 0 && left >= cost;
          const expected = !fits(credits)
            ? "USAGE_EXCEEDED"
            : !fits(3 - (burst.get(b) ?? 0)) || !fits(10 - (minute.get(m) ?? 0))
              ? "RATE_LIMITED"
              : "OK";
          if (expected === "OK") {
            credits -= cost;
            burst.set(b, (burst.get(b) ?? 0) + cost);
            minute.set(m, (minute.get(m) ?? 0) + cost);
          }
          const d = decide(counter, policy, cost, now);
          expect(d.outcome).toBe(expected);
          expect(d.quota?.remaining).toBe(credits);
          expect(d.ratelimits.map((r) => r.remaining)).toEqual([3 - (burst.get(b) ?? 0), 10 - (minute.get(m) ?? 0)]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("a cost of 0 checks without spending: what remains is unchanged, and it is denied only at zero", () => {
    fc.assert(
      fc.property(fc.array(request, { maxLength: 60 }), (requests) => {
        const counter = alone();
        const policy: KeyPolicy = {
          rateLimits: [{ name: "api", limit: 5, duration: 10_000 }],
          quota: { limit: 8, refill: null, setAt: T0 },
        };
        let now = T0;
        for (const { dt, cost } of requests) {
          now += dt;
          const before = decide(counter, policy, 0, now);
          const again = decide(counter, policy, 0, now);
          expect(again).toEqual(before);
          const zero = before.quota!.remaining === 0 ? "USAGE_EXCEEDED" : before.ratelimits[0].remaining === 0 ? "RATE_LIMITED" : "OK";
          expect(before.outcome).toBe(zero);
          decide(counter, policy, cost, now);
        }
      }),
    );
  });
});

describe("quota refill", () => {
  it("refills to the amount once the clock passes each refill time, daily from when the quota was set", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(
          fc.record({
            dt: fc.oneof(fc.integer({ min: 0, max: 3 * 60 * 60 * 1000 }), fc.integer({ min: 0, max: 3 * DAY })),
            cost: fc.integer({ min: 0, max: 3 }),
          }),
          {
            maxLength: 80,
          },
        ),
        (initial, amount, requests) => {
          const setAt = T0 + 12 * 60 * 60 * 1000 + 1234;
          const counter = alone();
          const policy: KeyPolicy = { rateLimits: [], quota: { limit: initial, refill: { interval: "daily", amount }, setAt } };
          const spent = new Map<number, number>();
          let now = setAt;
          for (const { dt, cost } of requests) {
            now += dt;
            const period = Math.floor((now - setAt) / DAY);
            const allowance = period === 0 ? initial : amount;
            const left = allowance - (spent.get(period) ?? 0);
            const ok = left > 0 && left >= cost;
            if (ok) spent.set(period, (spent.get(period) ?? 0) + cost);
            const d = decide(counter, policy, cost, now);
            expect(d.outcome).toBe(ok ? "OK" : "USAGE_EXCEEDED");
            expect(d.quota).toEqual({ remaining: allowance - (spent.get(period) ?? 0), refillAt: setAt + (period + 1) * DAY });
          }
        },
      ),
    );
  });

  it("is spent down to zero, answers USAGE_EXCEEDED, and is full again right at the refill time", () => {
    const counter = alone();
    const setAt = T0 + 5000;
    const policy: KeyPolicy = { rateLimits: [], quota: { limit: 2, refill: { interval: "daily", amount: 3 }, setAt } };
    expect(decide(counter, policy, 2, setAt + 1).outcome).toBe("OK");
    expect(decide(counter, policy, 1, setAt + DAY - 1)).toEqual({
      outcome: "USAGE_EXCEEDED",
      ratelimits: [],
      quota: { remaining: 0, refillAt: setAt + DAY },
    });
    expect(decide(counter, policy, 1, setAt + DAY)).toEqual({
      outcome: "OK",
      ratelimits: [],
      quota: { remaining: 2, refillAt: setAt + 2 * DAY },
    });
  });

  it("monthly: on the same day of the month, or the last day of a shorter month", () => {
    const jan31 = Date.UTC(2027, 0, 31, 10);
    expect(new Date(addMonths(jan31, 1)).toISOString()).toBe("2027-02-28T10:00:00.000Z");
    expect(new Date(addMonths(jan31, 2)).toISOString()).toBe("2027-03-31T10:00:00.000Z");
    const quota = { limit: 100, refill: { interval: "monthly" as const, amount: 50 }, setAt: jan31 };
    expect(quotaPeriod(quota, Date.UTC(2027, 1, 28, 9, 59)).allowance).toBe(100);
    const feb = quotaPeriod(quota, Date.UTC(2027, 1, 28, 10));
    expect(feb).toMatchObject({ allowance: 50, start: Date.UTC(2027, 1, 28, 10), reset: Date.UTC(2027, 2, 31, 10) });
  });

  it("never refills without a refill", () => {
    const counter = alone();
    const policy: KeyPolicy = { rateLimits: [], quota: { limit: 1, refill: null, setAt: T0 } };
    expect(decide(counter, policy, 1, T0).outcome).toBe("OK");
    expect(decide(counter, policy, 1, T0 + 400 * DAY)).toEqual({
      outcome: "USAGE_EXCEEDED",
      ratelimits: [],
      quota: { remaining: 0, refillAt: null },
    });
  });
});

describe("the counter under reconciliation", () => {
  const policy: KeyPolicy = { rateLimits: [{ name: "api", limit: 10, duration: 10_000 }], quota: null };

  it("reads a period's earlier count before deciding when the period began before the counter knew it, then counts on from it", () => {
    const counter = new LimitCounter({ syncMs: 100 });
    const first = counter.decide("key_a", policy, 1, T0 + 5000);
    expect("load" in first && first.load.map((b) => b.bucket)).toEqual([`r:api:10000:${T0}`]);
    if (!("load" in first)) return;
    counter.applyLoaded(first.load[0], 9, T0 + 5000);
    expect(decide(counter, policy, 1, T0 + 5000)).toMatchObject({ outcome: "OK", ratelimits: [{ remaining: 0 }] });
    expect(decide(counter, policy, 1, T0 + 5001).outcome).toBe("RATE_LIMITED");
    // The next window of a limit it has been counting is its own to count; alone, nothing is read again.
    expect(decide(counter, policy, 1, T0 + 10_050).outcome).toBe("OK");
    expect(decide(counter, policy, 1, T0 + 19_000).ratelimits[0].remaining).toBe(8);
  });

  it("takes every instance's count from a sync and keeps what it spent meanwhile", () => {
    const counter = new LimitCounter({ shared: true, syncMs: 100 });
    for (let i = 0; i < 3; i++) decide(counter, policy, 1, T0 + 10);
    const [sent] = counter.collect(T0 + 100);
    expect(sent.delta).toBe(3);
    decide(counter, policy, 1, T0 + 101);
    // The database now holds 3 from here and 5 from another instance.
    counter.applyFlushed(sent.bucket, sent.delta, 8, T0 + 100);
    expect(decide(counter, policy, 0, T0 + 150).ratelimits[0].remaining).toBe(1);
  });

  it("shared: a counter not read back for over 2 syncs is read again before the next decision", () => {
    const counter = new LimitCounter({ shared: true, syncMs: 100 });
    expect(decide(counter, policy, 1, T0 + 10).outcome).toBe("OK");
    const [sent] = counter.collect(T0 + 100);
    counter.applyFlushed(sent.bucket, sent.delta, 1, T0 + 100);
    expect(decide(counter, policy, 1, T0 + 300).outcome).toBe("OK");
    const stale = counter.decide("key_a", policy, 1, T0 + 301);
    expect("load" in stale && stale.load.map((b) => b.bucket)).toEqual([`r:api:10000:${T0}`]);
  });

  it("shared: keeps reading a counter in use, and creates the next window's counter at the sync after it begins", () => {
    const counter = new LimitCounter({ shared: true, syncMs: 100 });
    const second: KeyPolicy = { rateLimits: [{ name: "api", limit: 10, duration: 1000 }], quota: null };
    decide(counter, second, 1, T0 + 50);
    const [first] = counter.collect(T0 + 100);
    counter.applyFlushed(first.bucket, first.delta, 1, T0 + 100);
    // Nothing spent since: still read back (delta 0), and the next window's counter is read as soon as it begins.
    expect(counter.collect(T0 + 200).map((s) => [s.bucket.bucket, s.delta])).toEqual([[`r:api:1000:${T0}`, 0]]);
    expect(counter.collect(T0 + 1010).map((s) => [s.bucket.bucket, s.delta])).toContainEqual([`r:api:1000:${T0 + 1000}`, 0]);
    // Idle here for longer than that: not read any more.
    expect(counter.collect(T0 + 2500)).toEqual([]);
  });

  it("alone: a key it has been counting needs no read when a new window begins; one it has not is read, even at the window's start", () => {
    const counter = new LimitCounter({ syncMs: 100 });
    expect(decide(counter, policy, 1, T0 + 50).outcome).toBe("OK");
    const next = counter.decide("key_a", policy, 1, T0 + 10_500);
    expect(next).toMatchObject({ outcome: "OK", ratelimits: [{ remaining: 9 }] });
    // After a restart (a new counter), even 10 ms into a window: what was counted before it is read first.
    expect("load" in new LimitCounter({ syncMs: 100 }).decide("key_a", policy, 1, T0 + 20_010)).toBe(true);
  });

  it("alone: sends only what it spent", () => {
    const counter = new LimitCounter({ syncMs: 100 });
    decide(counter, policy, 2, T0 + 10);
    decide(counter, policy, 0, T0 + 20);
    const sent = counter.collect(T0 + 100);
    expect(sent.map((s) => s.delta)).toEqual([2]);
    counter.applyFlushed(sent[0].bucket, 2, 2, T0 + 100);
    expect(counter.collect(T0 + 200)).toEqual([]);
  });

  it("alone: a counter dropped while idle is read again at the key's next request, and what it spends then is sent", () => {
    const counter = new LimitCounter({ syncMs: 100 });
    const quotaOnly: KeyPolicy = { rateLimits: [], quota: { limit: 100, refill: null, setAt: T0 } };
    decide(counter, quotaOnly, 1, T0 + 10);
    const sent = counter.collect(T0 + 100);
    counter.applyFlushed(sent[0].bucket, 1, 1, T0 + 100);
    // Idle past the eviction (10 min): dropped, in a period that has not ended (the quota never refills).
    expect(counter.collect(T0 + 11 * 60_000)).toEqual([]);
    const again = counter.decide("key_a", quotaOnly, 1, T0 + 11 * 60_000 + 1);
    expect("load" in again).toBe(true);
    expect(decide(counter, quotaOnly, 1, T0 + 11 * 60_000 + 1).quota).toEqual({ remaining: 99, refillAt: null });
    expect(counter.collect(T0 + 11 * 60_000 + 100).map((s) => s.delta)).toEqual([1]);
  });
});

describe("resolvePolicy", () => {
  const none = { rateLimits: "[]", quota: null, quotaRefill: null, quotaRefillAmount: null, quotaSetAt: null };
  it("is null when nothing limits the key, and the key's own limit and quota win over the tier's", () => {
    expect(resolvePolicy(none, null)).toBeNull();
    const tier = {
      ...none,
      rateLimits: '[{"name":"api","limit":100,"duration":60000},{"name":"day","limit":1000,"duration":86400000}]',
      quota: 5000,
    };
    const key = { ...none, rateLimits: '[{"name":"api","limit":10,"duration":1000}]' };
    expect(resolvePolicy(key, tier)).toEqual({
      rateLimits: [
        { name: "api", limit: 10, duration: 1000 },
        { name: "day", limit: 1000, duration: 86_400_000 },
      ],
      quota: { limit: 5000, refill: null, setAt: 0 },
    });
  });
});
