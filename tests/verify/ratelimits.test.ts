// Rate limits, quotas, tiers and `cost` on the verification path, over real HTTP on a real database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { editKey } from "@/lib/api-keys/edit-key";
import { announceKeyChange } from "@/lib/api-keys/key-changes";
import { setKeyEnabled } from "@/lib/api-keys/set-key-enabled";
import { saveTier } from "@/lib/ratelimits/tiers";
import { startVerifyServer, type VerifyServer } from "@/lib/verify/service";
import { editKeySchema } from "@/lib/validations/key";
import { tierSchema } from "@/lib/validations/ratelimits";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { TestClock } from "./support/clock";
import { post, verify } from "./support/http";
import { newKey } from "./support/keys";

const { db, url } = await setUpTestDb();
let server: VerifyServer;
let base: string;
let org: Awaited<ReturnType<typeof createOrg>>;

// The server decides at this clock: each test starts 1 s into a fresh minute of it, so no test's requests are
// split between two windows (of a minute, an hour or a day) by the real clock turning while they run.
const clock = new TestClock();
const start = () => startVerifyServer({ db, url, hosts: ["127.0.0.1"], prune: false, clock: clock.now });

beforeAll(async () => {
  org = await createOrg(db, { keyPrefix: "rl" });
  server = await start();
  base = server.urls[0];
});
afterAll(async () => {
  await server?.close();
});
beforeEach(() => clock.startOfNextMinute());

const code = async (body: Record<string, unknown>) => {
  const res = await verify(base, body);
  expect(res.status).toBe(200);
  return res.json.valid ? "OK" : res.json.code;
};
const minute = { name: "api", limit: 3, duration: "60s" };

describe("rate limits", () => {
  it("answer with what remains, then RATE_LIMITED with each limit's name, limit, remaining and reset", async () => {
    const { key, secret } = await newKey(db, org.actor, { rateLimits: [minute, { name: "day", limit: 1000, duration: "1d" }] });
    const remaining: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await verify(base, { key: secret });
      expect(res.json).toMatchObject({ valid: true, keyId: key.id, quota: null });
      remaining.push(res.json.ratelimits[0].remaining);
    }
    expect(remaining).toEqual([2, 1, 0]);
    const denied = await verify(base, { key: secret });
    const windowEnd = Math.floor(clock.ms() / 60_000) * 60_000 + 60_000;
    expect(denied.json).toEqual({
      valid: false,
      code: "RATE_LIMITED",
      keyId: key.id,
      ratelimits: [
        { name: "api", limit: 3, remaining: 0, reset: expect.any(Number) },
        { name: "day", limit: 1000, remaining: 997, reset: expect.any(Number) },
      ],
      quota: null,
    });
    expect(denied.json.ratelimits[0].reset).toBe(windowEnd);
  });

  it("a key without limits still says so: ratelimits [] and quota null", async () => {
    const { secret } = await newKey(db, org.actor);
    expect((await verify(base, { key: secret })).json).toMatchObject({ valid: true, ratelimits: [], quota: null });
  });

  it("come from the key's tier, and a change to the tier applies to its keys on the next request", async () => {
    await saveTier(db, org.actor, tierSchema.parse({ name: "free", rateLimits: [{ name: "tier", limit: 2, duration: "1h" }] }));
    const { secret } = await newKey(db, org.actor, { tier: "free" });
    expect([await code({ key: secret }), await code({ key: secret }), await code({ key: secret })]).toEqual(["OK", "OK", "RATE_LIMITED"]);
    await saveTier(db, org.actor, tierSchema.parse({ name: "free", rateLimits: [{ name: "tier", limit: 5, duration: "1h" }] }));
    const res = await verify(base, { key: secret });
    expect(res.json).toMatchObject({ valid: true, ratelimits: [{ name: "tier", limit: 5, remaining: 2 }] });
    const audit = await db.auditEvent.findMany({ where: { orgId: org.orgId, action: { startsWith: "tier." } }, orderBy: { at: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["tier.created", "tier.updated"]);
  });

  it("survive a restart: a new instance reads the window's count back from the database", async () => {
    const { secret } = await newKey(db, org.actor, { rateLimits: [{ name: "api", limit: 2, duration: "1h" }], quota: 5 });
    // On PostgreSQL a period that began within one sync (100 ms) is taken as empty without a read: what another
    // instance counted in it is inside README's overshoot bound. A quota's period begins when it was set, so the
    // key must be older than that for the restart to be read back exactly (it failed ~1 run in 3 when quicker).
    clock.advance(1000);
    expect([await code({ key: secret }), await code({ key: secret })]).toEqual(["OK", "OK"]);
    await server.close();
    server = await start();
    base = server.urls[0];
    const res = await verify(base, { key: secret });
    expect(res.json).toMatchObject({ valid: false, code: "RATE_LIMITED", ratelimits: [{ remaining: 0 }], quota: { remaining: 3 } });
  });
});

describe("quota", () => {
  it("is spent by cost, answers USAGE_EXCEEDED at zero, and a cost of 0 checks without spending", async () => {
    const { key, secret } = await newKey(db, org.actor, { quota: 10 });
    expect((await verify(base, { key: secret, cost: 0 })).json).toMatchObject({ valid: true, quota: { remaining: 10, refillAt: null } });
    expect((await verify(base, { key: secret, cost: 4 })).json.quota.remaining).toBe(6);
    expect((await verify(base, { key: secret })).json.quota.remaining).toBe(5);
    // More than remains: denied, and nothing is spent.
    expect((await verify(base, { key: secret, cost: 6 })).json).toEqual({
      valid: false,
      code: "USAGE_EXCEEDED",
      keyId: key.id,
      ratelimits: [],
      quota: { remaining: 5, refillAt: null },
    });
    expect((await verify(base, { key: secret, cost: 5 })).json.quota.remaining).toBe(0);
    expect(await code({ key: secret, cost: 0 })).toBe("USAGE_EXCEEDED");
    expect(await code({ key: secret })).toBe("USAGE_EXCEEDED");
  });

  it("refills once the clock passes the refill time", async () => {
    const { key, secret } = await newKey(db, org.actor, { quota: 1, refill: { interval: "daily", amount: 3 } });
    // The quota was set a day ago, less a minute: its first period ends a minute from now by the server's clock,
    // which only the test moves past it (a real 1.5 s left the two requests below racing a loaded machine).
    const refillAt = clock.ms() + 60_000;
    await db.apiKey.update({ where: { id: key.id }, data: { quotaSetAt: new Date(refillAt - 24 * 60 * 60 * 1000) } });
    announceKeyChange({ orgId: org.orgId, keyId: key.id });
    expect(await code({ key: secret })).toBe("OK");
    const empty = await verify(base, { key: secret });
    expect(empty.json).toMatchObject({ code: "USAGE_EXCEEDED", quota: { remaining: 0, refillAt } });
    clock.advance(refillAt - clock.ms() + 50);
    expect((await verify(base, { key: secret })).json).toMatchObject({
      valid: true,
      quota: { remaining: 2, refillAt: refillAt + 24 * 60 * 60 * 1000 },
    });
  });

  it("follows an edit: setting the quota starts it afresh, null makes the key unlimited again", async () => {
    const { key, secret } = await newKey(db, org.actor, { quota: 1 });
    expect([await code({ key: secret }), await code({ key: secret })]).toEqual(["OK", "USAGE_EXCEEDED"]);
    await editKey(db, org.actor, editKeySchema.parse({ keyId: key.id, quota: 2 }));
    expect((await verify(base, { key: secret })).json.quota).toMatchObject({ remaining: 1 });
    await editKey(db, org.actor, editKeySchema.parse({ keyId: key.id, quota: null }));
    expect((await verify(base, { key: secret })).json).toMatchObject({ valid: true, quota: null });
    const audit = await db.auditEvent.findMany({ where: { targetId: key.id, action: "key.updated" }, orderBy: { at: "asc" } });
    expect(audit.map((a) => [JSON.parse(a.data!).before.quota, JSON.parse(a.data!).after.quota])).toEqual([
      [1, 2],
      [2, null],
    ]);
  });
});

describe("the order of checks and what a denial spends", () => {
  it("a request denied for scope (or IP, or disabled) spends neither quota nor rate limit", async () => {
    const { secret, key } = await newKey(db, org.actor, { rateLimits: [{ name: "api", limit: 2, duration: "1h" }], quota: 2 });
    for (let i = 0; i < 5; i++) expect(await code({ key: secret, action: "write", resource: "projects/x" })).toBe("INSUFFICIENT_SCOPE");
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: false });
    for (let i = 0; i < 3; i++) expect(await code({ key: secret })).toBe("DISABLED");
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: true });
    const first = await verify(base, { key: secret, action: "read", resource: "projects/x" });
    expect(first.json).toMatchObject({ valid: true, ratelimits: [{ remaining: 1 }], quota: { remaining: 1 } });
  });

  it("quota before rate limits: a key out of both answers USAGE_EXCEEDED; a rate-limited request spends no quota", async () => {
    const { secret } = await newKey(db, org.actor, { rateLimits: [{ name: "api", limit: 1, duration: "1h" }], quota: 3 });
    expect(await code({ key: secret })).toBe("OK");
    for (let i = 0; i < 4; i++) expect(await code({ key: secret })).toBe("RATE_LIMITED");
    expect((await verify(base, { key: secret, cost: 0 })).json.quota.remaining).toBe(2);
    expect((await verify(base, { key: secret, cost: 0 })).json).toMatchObject({ code: "RATE_LIMITED" });
    const both = await newKey(db, org.actor, { rateLimits: [{ name: "api", limit: 1, duration: "1h" }], quota: 1 });
    expect(await code({ key: both.secret })).toBe("OK");
    expect(await code({ key: both.secret })).toBe("USAGE_EXCEEDED");
  });

  it("records RATE_LIMITED and USAGE_EXCEEDED as usage outcomes", async () => {
    const { key, secret } = await newKey(db, org.actor, { rateLimits: [{ name: "api", limit: 1, duration: "1h" }] });
    const quota = await newKey(db, org.actor, { quota: 0 });
    await code({ key: secret });
    await code({ key: secret });
    await code({ key: quota.secret });
    await server.service.recorder.flush();
    const events = await db.usageEvent.findMany({ where: { keyId: { in: [key.id, quota.key.id] } }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.outcome)).toEqual(["OK", "RATE_LIMITED", "USAGE_EXCEEDED"]);
  });
});

describe("cost", () => {
  it("must be a whole number from 0 to 1,000,000: anything else is 400 INVALID_COST and spends nothing", async () => {
    const { secret } = await newKey(db, org.actor, { quota: 5 });
    for (const cost of [-1, 1.5, "2", 1_000_001, true, {}]) {
      const res = await verify(base, { key: secret, cost });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("INVALID_COST");
    }
    const raw = await post(`${base}/api/v1/keys/verify`, `{"key":"${secret}","cost":1e400}`);
    expect(raw.json.error.code).toBe("INVALID_COST");
    expect((await verify(base, { key: secret, cost: 0 })).json.quota.remaining).toBe(5);
  });
});
