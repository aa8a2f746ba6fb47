// Two instances of the verification service on one PostgreSQL database, each counting locally and reconciling
// every 100 ms: what both accept for one key in one window stays within README's bound
// (limit + (instances − 1) × what one instance accepts in 3 syncs and a round trip).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startVerifyServer, type VerifyServer } from "@/lib/verify/service";
import { setUpTestDb, testBackend } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { verify } from "../verify/support/http";
import { sleep } from "../verify/support/keys";

const { db, url } = await setUpTestDb();
const SYNC_MS = 100;
// Each instance gets at most this many requests at once, then both rest for longer than three syncs and a round
// trip: so what one instance accepted before the other could see it is at most one wave.
const WAVE = 50;
const REST_MS = 500;

describe.runIf(testBackend === "postgres")("rate limits across two instances on one PostgreSQL database", () => {
  const servers: VerifyServer[] = [];
  let org: Awaited<ReturnType<typeof createOrg>>;
  beforeAll(async () => {
    org = await createOrg(db, { keyPrefix: "mr" });
    for (let i = 0; i < 2; i++) servers.push(await startVerifyServer({ db, url, prune: false, ratelimits: { syncMs: SYNC_MS } }));
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  async function wave(body: Record<string, unknown>) {
    const answers = await Promise.all(servers.flatMap((s) => Array.from({ length: WAVE }, () => verify(s.urls[0], body))));
    for (const a of answers) expect(a.status).toBe(200);
    return answers.map((a) => a.json);
  }

  it("a limit of 1,000 per 10 s: both instances together accept at most 1,000 + 1 × 50 in the window", async () => {
    const { secret } = await makeKey(db, org.actor, { name: "Shared", rateLimits: [{ name: "api", limit: 1000, duration: "10s" }] });
    // Start early in a window, so the load fills it.
    const intoWindow = Date.now() % 10_000;
    if (intoWindow > 2000) await sleep(10_000 - intoWindow + 20);
    const acceptedByWindow = new Map<number, number>();
    let waves = 0;
    for (; waves < 14; waves++) {
      for (const answer of await wave({ key: secret })) {
        const reset = answer.ratelimits[0].reset as number;
        if (answer.valid) acceptedByWindow.set(reset, (acceptedByWindow.get(reset) ?? 0) + 1);
      }
      await sleep(REST_MS);
    }
    const [first] = [...acceptedByWindow.entries()].sort((a, b) => a[0] - b[0]);
    // 14 waves of 100 offered 1,400: the window filled, and the instances stopped within the bound.
    expect(first[1]).toBeGreaterThanOrEqual(1000);
    expect(first[1]).toBeLessThanOrEqual(1000 + (servers.length - 1) * WAVE);
  }, 60_000);

  it("a quota spent through both instances goes below zero by at most the same bound", async () => {
    const { secret, key } = await makeKey(db, org.actor, { name: "Credits", quota: 300 });
    let accepted = 0;
    for (let i = 0; i < 6; i++) {
      accepted += (await wave({ key: secret })).filter((a) => a.valid).length;
      await sleep(REST_MS);
    }
    expect(accepted).toBeGreaterThanOrEqual(300);
    expect(accepted).toBeLessThanOrEqual(300 + (servers.length - 1) * WAVE);
    // Every accepted unit reached the database.
    for (const s of servers) await s.service.limiter.sync();
    const counted = await db.$queryRawUnsafe<{ count: bigint }[]>(`SELECT "count" FROM "RateLimitCounter" WHERE "keyId" = $1`, key.id);
    expect(counted.map((c) => Number(c.count))).toEqual([accepted]);
  }, 30_000);
});
