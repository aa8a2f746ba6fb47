import { describe, expect, it } from "vitest";
import { createKeySchema, editKeySchema } from "./key";
import { rateLimitsSchema, tierSchema } from "./ratelimits";

const base = { name: "k", expiry: { preset: "90d" }, scopes: [{ action: "read", resourceFilter: "" }] };
const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  result.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];

describe("rate limits, tier and quota on a key", () => {
  it("take durations as ms or text, from 1 s to 1 day", () => {
    expect(rateLimitsSchema.parse([{ name: "API", limit: 5, duration: "10s" }])).toEqual([{ name: "api", limit: 5, duration: 10_000 }]);
    expect(rateLimitsSchema.parse([{ name: "d", limit: 5, duration: 86_400_000 }])[0].duration).toBe(86_400_000);
    for (const duration of ["999ms", 999, "2d", 86_400_001, "10 parsecs", 1.5, null]) {
      expect(rateLimitsSchema.safeParse([{ name: "a", limit: 1, duration }]).success, String(duration)).toBe(false);
    }
  });

  it("refuse a limit below 1 or past a billion, a bad or repeated name, more than 10 limits", () => {
    expect(issues(rateLimitsSchema.safeParse([{ name: "a", limit: 0, duration: "1s" }]))).toEqual(["0.limit: The limit is at least 1"]);
    expect(rateLimitsSchema.safeParse([{ name: "a", limit: 1e9 + 1, duration: "1s" }]).success).toBe(false);
    expect(rateLimitsSchema.safeParse([{ name: "a b", limit: 1, duration: "1s" }]).success).toBe(false);
    expect(issues(rateLimitsSchema.safeParse([1, 2].map(() => ({ name: "a", limit: 1, duration: "1s" }))))).toEqual([
      '1.name: "a" is listed twice',
    ]);
    expect(rateLimitsSchema.safeParse(Array.from({ length: 11 }, (_, i) => ({ name: `l${i}`, limit: 1, duration: "1s" }))).success).toBe(
      false,
    );
  });

  it("a refill needs a quota, on create, edit and tiers; a negative or fractional quota is refused", () => {
    expect(issues(createKeySchema.safeParse({ ...base, refill: { interval: "daily" } }))).toEqual(["refill: A refill needs a quota"]);
    expect(issues(editKeySchema.safeParse({ keyId: "key_ABCDEFGHIJ0123456789", quota: null, refill: { interval: "daily" } }))).toEqual([
      "refill: A refill needs a quota",
    ]);
    expect(issues(tierSchema.safeParse({ name: "free", refill: { interval: "monthly" } }))).toEqual(["refill: A refill needs a quota"]);
    expect(createKeySchema.safeParse({ ...base, quota: -1 }).success).toBe(false);
    expect(createKeySchema.safeParse({ ...base, quota: 2.5 }).success).toBe(false);
    expect(createKeySchema.safeParse({ ...base, refill: { interval: "weekly" }, quota: 5 }).success).toBe(false);
    expect(createKeySchema.parse({ ...base, quota: 0, refill: { interval: "monthly", amount: 10 } })).toMatchObject({
      quota: 0,
      refill: { interval: "monthly", amount: 10 },
      rateLimits: [],
      tier: "",
    });
  });
});
