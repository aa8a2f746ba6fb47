// Two Keyward instances (the real server: Next + the verify path) on one database, as a scaled-out
// deployment on PostgreSQL runs them: a revoke made through one is enforced by the other within 1 second;
// rate limits and quotas counted by both stay within README's overshoot bound, and survive a restart of one;
// usage recorded by both lands exactly once, with rollups equal to the raw events.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { testBackend, setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { HOUR_MS, roomInWindow } from "../support/windows";
import { verify } from "../verify/support/http";
import { sleep } from "../verify/support/keys";

const { db, url } = await setUpTestDb();
const servers: KeywardServer[] = [];
// The sync interval T each instance runs with (KEYWARD_RATELIMIT_SYNC_MS; 100 ms is also the default).
const SYNC_MS = 100;
// Rate limits: each instance gets at most WAVE requests at once, then both rest for longer than three syncs and a
// round trip (3T + d), so what one instance accepted before the other could see it is at most one wave: README's
// bound, limit + (N − 1) × A, with A = WAVE.
const WAVE = 50;
const REST_MS = 500;

/** A key made in this process reaches an instance by its poll of Organization.keysVersion: wait for it (< 1 s). */
async function msUntil(server: KeywardServer, secret: string, wanted: string): Promise<number> {
  const started = Date.now();
  let code = "";
  while (Date.now() - started < 3000) {
    const res = await verify(server.url, { key: secret });
    code = res.json.valid ? "OK" : res.json.code;
    if (code === wanted) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${server.url} still answers ${code}, not ${wanted}, after 3 s`);
}
let org: Awaited<ReturnType<typeof createOrg>>;

// The timeout of a test that counts in one hourly window: roomInWindow keeps it from outliving that window.
// (Waiting for the next hour inside the test took up to a minute out of its own 60 s.)
const WINDOW_TEST_MS = 60_000;

// Both instances would share one SQLite file too, but PostgreSQL is the backend for running several.
describe.runIf(testBackend === "postgres")("two instances on one PostgreSQL database", () => {
  beforeAll(async () => {
    org = await createOrg(db, { keyPrefix: "mi" });
    for (let i = 0; i < 2; i++) servers.push(await startKeyward({ databaseUrl: url, env: { KEYWARD_RATELIMIT_SYNC_MS: String(SYNC_MS) } }));
  }, 900_000);
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it("enforces a revoke made through instance A on instance B within 1 second", async () => {
    const [a, b] = servers;
    const admin = await makeKey(db, org.actor, { name: "Admin", scopes: [{ action: "admin", resourceFilter: "keys/**" }] });
    const victim = await makeKey(db, org.actor, { name: "Victim" });
    // B has the victim cached as valid before the revoke.
    expect(await msUntil(b, victim.secret, "OK")).toBeLessThan(1000);
    const revoked = await fetch(`${a.url}/api/v1/keys/${victim.key.id}/revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "two-instance test" }),
    });
    expect(revoked.status).toBe(200);
    expect(await msUntil(b, victim.secret, "REVOKED")).toBeLessThan(1000);
  });

  describe("rate limits and quotas counted on both", () => {
    let limits: Awaited<ReturnType<typeof createOrg>>;
    beforeAll(async () => {
      limits = await createOrg(db, { keyPrefix: "mr" });
    });

    /** Until both instances know the key; a cost of 0 checks without spending. */
    async function known(secret: string) {
      for (const server of servers)
        for (let started = Date.now(); !(await verify(server.url, { key: secret, cost: 0 })).json.valid; await sleep(20))
          if (Date.now() - started > 3000) throw new Error(`${server.url} does not know the key after 3 s`);
    }

    type Answer = { valid: boolean; code?: string; ratelimits: { reset: number }[] };

    /** `n` concurrent verifications on each instance; the answers. */
    async function both(secret: string, n: number): Promise<Answer[]> {
      const answers = await Promise.all(servers.flatMap((s) => Array.from({ length: n }, () => verify(s.url, { key: secret }))));
      for (const a of answers) expect(a.status).toBe(200);
      return answers.map((a) => a.json as Answer);
    }

    /**
     * Load against both instances up to and past `limit`: `prefill` requests first (fewer than the limit, so every
     * one is accepted whatever each instance knows), then waves of WAVE per instance with rests of REST_MS, until
     * `limit` were accepted and two more waves after that. Every answer, in order.
     */
    async function acrossTheLimit(secret: string, prefill: number, limit: number): Promise<Answer[]> {
      const answers: Answer[] = [];
      for (let sent = 0; sent < prefill; sent += 100 * servers.length) answers.push(...(await both(secret, 100)));
      expect(answers.every((a) => a.valid)).toBe(true);
      await sleep(REST_MS);
      for (let waves = 0, after = 0; waves < 10 && after < 2; waves++) {
        answers.push(...(await both(secret, WAVE)));
        if (answers.filter((a) => a.valid).length >= limit) after++;
        await sleep(REST_MS);
      }
      return answers;
    }

    /** RateLimitCounter's rows for a key once every instance has synced them (they stop changing). */
    async function counted(keyId: string): Promise<number[]> {
      const read = async () =>
        (await db.$queryRawUnsafe<{ count: bigint }[]>(`SELECT "count" FROM "RateLimitCounter" WHERE "keyId" = $1`, keyId)).map((c) =>
          Number(c.count),
        );
      let last = await read();
      for (let i = 0; i < 10; i++) {
        await sleep(3 * SYNC_MS);
        const now = await read();
        if (JSON.stringify(now) === JSON.stringify(last)) break;
        last = now;
      }
      return last;
    }

    it("a quota spent through both instances goes below zero by at most README's bound", async () => {
      const { secret, key } = await makeKey(db, limits.actor, { name: "Credits", quota: 300 });
      await known(secret);
      const accepted = (await acrossTheLimit(secret, 200, 300)).filter((a) => a.valid).length;
      expect(accepted).toBeGreaterThanOrEqual(300);
      expect(accepted).toBeLessThanOrEqual(300 + (servers.length - 1) * WAVE);
      // Every accepted unit reached the database, once.
      expect(await counted(key.id)).toEqual([accepted]);
    }, 30_000);

    it("a limit of 1,000 per 10 s: both instances together accept at most 1,000 + 1 × 50 in the window", async () => {
      const { secret } = await makeKey(db, limits.actor, { name: "Shared", rateLimits: [{ name: "api", limit: 1000, duration: "10s" }] });
      await known(secret);
      // The load takes ~3 s, more on a loaded machine: it starts in a window's first second, so 9 s are left.
      await roomInWindow(10_000, 8_000);
      const answers = await acrossTheLimit(secret, 800, 1000);
      const window = answers[0].ratelimits[0].reset;
      expect(answers.every((a) => a.ratelimits[0].reset === window)).toBe(true);
      const accepted = answers.filter((a) => a.valid).length;
      // The window filled, and the instances stopped within the bound; everything past it was RATE_LIMITED.
      expect(accepted).toBeGreaterThanOrEqual(1000);
      expect(accepted).toBeLessThanOrEqual(1000 + (servers.length - 1) * WAVE);
      expect(answers.filter((a) => !a.valid).every((a) => a.code === "RATE_LIMITED")).toBe(true);
    }, 60_000);

    describe("in an hour's window", () => {
      beforeEach(() => roomInWindow(HOUR_MS, WINDOW_TEST_MS), WINDOW_TEST_MS + 5000);

      it(
        "the limit survives a restart of one instance: it reads the window's count back and refuses past the limit",
        async () => {
          const [a, b] = servers;
          // An hour's window, so the restart happens inside it (roomInWindow: never near its end).
          const { secret } = await makeKey(db, limits.actor, {
            name: "Restarted",
            rateLimits: [{ name: "hourly", limit: 20, duration: "1h" }],
          });
          await known(secret);
          const spend = async (server: KeywardServer, n: number) => {
            const answers = await Promise.all(Array.from({ length: n }, () => verify(server.url, { key: secret })));
            return answers.map((r) => r.json);
          };
          const before = [...(await spend(a, 12)), ...(await spend(b, 8))];
          expect(before.map((r) => r.valid)).toEqual(Array(20).fill(true));
          const reset = before[0].ratelimits[0].reset as number;

          await a.restart();
          const after = await spend(a, 5);
          for (const answer of after) {
            expect(answer).toMatchObject({ valid: false, code: "RATE_LIMITED" });
            expect(answer.ratelimits[0]).toEqual({ name: "hourly", limit: 20, remaining: 0, reset });
          }
          expect((await spend(b, 1))[0]).toMatchObject({ valid: false, code: "RATE_LIMITED" });
        },
        WINDOW_TEST_MS,
      );
    });
  });

  it("records usage from both instances without loss or double counting", async () => {
    const keys = await Promise.all([1, 2, 3, 4].map((n) => makeKey(db, org.actor, { name: `Load ${n}` })));
    for (const server of servers) for (const { secret } of keys) await msUntil(server, secret, "OK");
    // What the instances have recorded so far lands within their next batch (every 250 ms).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = await db.usageEvent.count({ where: { orgId: org.orgId } });
    const beforeRollups = (await db.usageRollup.aggregate({ where: { orgId: org.orgId }, _sum: { count: true } }))._sum.count ?? 0;
    let acknowledged = 0;
    // 4 keys × 2 instances × 150 requests, interleaved, with some denials (a scope this key lacks).
    await Promise.all(
      servers.flatMap((server) =>
        keys.map(async ({ secret }) => {
          for (let i = 0; i < 150; i++) {
            const body = i % 10 === 0 ? { key: secret, action: "write", resource: "projects/x" } : { key: secret };
            const res = await verify(server.url, body);
            if (res.status === 200) acknowledged += 1;
          }
        }),
      ),
    );
    expect(acknowledged).toBe(1200);
    // SIGTERM flushes each instance's buffer before it exits.
    for (const server of servers.splice(0)) await server.stop();

    const events = await db.usageEvent.count({ where: { orgId: org.orgId } });
    expect(events - before).toBe(1200);
    const perCell = await db.usageEvent.groupBy({ by: ["keyId", "outcome"], where: { orgId: org.orgId }, _count: true });
    const rollups = await db.usageRollup.groupBy({ by: ["keyId", "outcome"], where: { orgId: org.orgId }, _sum: { count: true } });
    const fromRollups = new Map(rollups.map((r) => [`${r.keyId}/${r.outcome}`, r._sum.count]));
    for (const cell of perCell) expect(fromRollups.get(`${cell.keyId}/${cell.outcome}`)).toBe(cell._count);
    expect(rollups.reduce((sum, r) => sum + (r._sum.count ?? 0), 0)).toBe(events);
    expect(events - before).toBe(rollups.reduce((sum, r) => sum + (r._sum.count ?? 0), 0) - beforeRollups);
    const denied = await db.usageEvent.count({
      where: { orgId: org.orgId, outcome: "INSUFFICIENT_SCOPE", keyId: { in: keys.map((k) => k.key.id) } },
    });
    expect(denied).toBe(4 * 2 * 15);
  });
});
