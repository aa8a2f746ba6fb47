// /healthz, /readyz, /metrics and request ids, against the real server (server.ts in front of the built app) on
// a real database. The metrics are checked against what clients were answered, outcome by outcome.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { generateSecret } from "@/lib/keys";
import { USAGE_OUTCOMES, type UsageOutcome } from "@/lib/usage/outcomes";
import { createTestDatabase, testBackend, type TestDatabase } from "../support/db";
import { makeKey } from "../support/fixtures";
import { freePort, startKeyward, type KeywardServer } from "../support/keyward-server";
import { dropDatabase } from "../support/postgres";
import { HOUR_MS, roomInWindow } from "../support/windows";
import { seedApiOrg } from "../api/helpers";

const TOKEN = randomBytes(24).toString("base64url");
let database: TestDatabase;
let db: Db;
let server: KeywardServer;
const secrets = {} as Record<Exclude<UsageOutcome, "NOT_FOUND" | "MALFORMED">, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  const org = await seedApiOrg(db);
  const key = (overrides: Parameters<typeof makeKey>[2] = {}) => makeKey(db, org.actor, overrides);
  secrets.OK = (await key({ name: "Valid", scopes: [{ action: "read", resourceFilter: "projects/**" }] })).secret;
  secrets.INSUFFICIENT_SCOPE = secrets.OK;
  secrets.IP_NOT_ALLOWED = (await key({ name: "Elsewhere", cidrs: ["192.0.2.0/24"] })).secret;
  const revoked = await key({ name: "Revoked" });
  await db.apiKey.update({ where: { id: revoked.key.id }, data: { revokedAt: new Date() } });
  secrets.REVOKED = revoked.secret;
  const expired = await key({ name: "Expired" });
  await db.apiKey.update({ where: { id: expired.key.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
  secrets.EXPIRED = expired.secret;
  const disabled = await key({ name: "Disabled" });
  await db.apiKey.update({ where: { id: disabled.key.id }, data: { disabledAt: new Date() } });
  secrets.DISABLED = disabled.secret;
  secrets.USAGE_EXCEEDED = (await key({ name: "No credits", quota: 0 })).secret;
  // One request a day, already made today (as another instance would have counted it), and tomorrow too: the
  // key is first used minutes from now, after the server's build, and UTC midnight in between gave it a fresh
  // window (its first RATE_LIMITED request came back OK). Its counter is first read when it is first used.
  const limited = await key({ name: "Limited", rateLimits: [{ name: "api", limit: 1, duration: "1d" }] });
  const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
  await db.rateLimitCounter.createMany({
    data: [today, today + 86_400_000].map((day) => ({
      keyId: limited.key.id,
      bucket: `r:api:86400000:${day}`,
      count: 1,
      expiresAt: day + 86_400_000,
    })),
  });
  secrets.RATE_LIMITED = limited.secret;
  server = await startKeyward({ databaseUrl: database.url, env: { KEYWARD_METRICS_TOKEN: TOKEN } });
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

const get = (path: string, headers: Record<string, string> = {}, method = "GET") => fetch(server.url + path, { method, headers });

async function scrape(): Promise<Map<string, number>> {
  const res = await get("/metrics", { authorization: `Bearer ${TOKEN}` });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await res.text()).split("\n")) {
    const match = /^(\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) samples.set(match[1], Number(match[2]));
  }
  return samples;
}

/** Verifications answered (each records one usage event) minus events written or dropped. */
function eventsUnwritten(samples: Map<string, number>): number {
  const answered = USAGE_OUTCOMES.reduce((sum, o) => sum + (samples.get(`keyward_verifications_total{outcome="${o}"}`) ?? 0), 0);
  return answered - samples.get("keyward_usage_events_written_total")! - samples.get("keyward_usage_events_dropped_total")!;
}

const verifyBody = (outcome: UsageOutcome): Record<string, string> => {
  switch (outcome) {
    case "NOT_FOUND":
      return { key: generateSecret({ prefix: "kw", env: "live" }).secret };
    case "MALFORMED":
      return { key: "not-a-key" };
    case "INSUFFICIENT_SCOPE":
      return { key: secrets.OK, action: "write", resource: "projects/web" };
    default:
      return { key: secrets[outcome], action: "read", resource: "projects/web" };
  }
};

describe("GET /healthz and /readyz", () => {
  it("/healthz answers 200 without a session; HEAD has no body; other methods get 405 with Allow", async () => {
    const res = await get("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const head = await get("/healthz", {}, "HEAD");
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    const post = await get("/readyz", {}, "POST");
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
  });

  it("/readyz answers 200 with its checks when the database answers, is migrated and the usage writer keeps up", async () => {
    const res = await get("/readyz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ready", checks: { database: "ok", usageWriter: "ok" }, usageBacklog: expect.any(Number) });
  });
});

describe("request ids", () => {
  it("every answer carries x-request-id: a short, safe client id is kept, anything else replaced by a UUID", async () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    for (const path of ["/healthz", "/login", "/api/v1/keys"]) {
      expect((await get(path)).headers.get("x-request-id"), path).toMatch(uuid);
      expect((await get(path, { "x-request-id": "trace-01H9:abc.def_1" })).headers.get("x-request-id"), path).toBe("trace-01H9:abc.def_1");
      if (path === "/login") continue;
      for (const unsafe of ["a b", "<script>", "x".repeat(65), "line\tbreak"]) {
        expect((await get(path, { "x-request-id": unsafe })).headers.get("x-request-id"), `${path} ${unsafe}`).toMatch(uuid);
      }
    }
    const verified = await fetch(`${server.url}/api/v1/keys/verify`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "verify-trace-7" },
      body: JSON.stringify(verifyBody("OK")),
    });
    expect(verified.status).toBe(200);
    expect(verified.headers.get("x-request-id")).toBe("verify-trace-7");
  });

  it("the console thread's own log lines (Next.js's included) carry the request's id", async () => {
    const id = `action-${randomBytes(6).toString("hex")}`;
    // An unknown server action: Next.js logs it, on the console's thread, while answering this request.
    const res = await get("/login", { "x-request-id": id, "next-action": "00".repeat(21), origin: server.url }, "POST");
    expect(res.headers.get("x-request-id")).toBe(id);
    await expect.poll(() => server.output().includes(id), { timeout: 5000 }).toBe(true);
    const lines = server
      .output()
      .split("\n")
      .filter((line) => line.includes(id));
    const parsed = lines.map((line) => JSON.parse(line) as { reqId?: string; level: string; msg: string });
    expect(
      parsed.some((l) => l.reqId === id && /server action|server reference/i.test(l.msg)),
      lines.join("\n"),
    ).toBe(true);
  });
});

describe("GET /metrics", () => {
  // The mixed load spends the rate-limited key in today's window (seeded, with tomorrow's): it must not turn
  // during the test either, or that instance, counting the key without a break, starts the new day at 0.
  beforeEach(() => roomInWindow(24 * HOUR_MS, 30_000), 35_000);

  it("asks for the bearer token: 401 without it or with a wrong one, whatever its length", async () => {
    for (const authorization of [
      undefined,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      `Bearer ${"a".repeat(TOKEN.length)}`,
      TOKEN,
    ]) {
      const res = await get("/metrics", authorization ? { authorization } : {});
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer/);
      expect(await res.text()).not.toContain("keyward_");
    }
  });

  it("after mixed load, the verification counters equal the answered verifications, outcome by outcome", async () => {
    // Every earlier verification's event is written first, so the writer's figures below are this test's alone.
    await expect.poll(async () => eventsUnwritten(await scrape())).toBe(0);
    const before = await scrape();
    const plan = USAGE_OUTCOMES.flatMap((outcome, i) => Array.from({ length: 20 + i * 7 }, () => outcome));
    const answered = Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0])) as Record<UsageOutcome, number>;
    for (let i = 0; i < plan.length; i += 25) {
      await Promise.all(
        plan.slice(i, i + 25).map(async (outcome) => {
          const res = await fetch(`${server.url}/api/v1/keys/verify`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify(verifyBody(outcome)),
          });
          expect(res.status).toBe(200);
          const body = (await res.json()) as { valid: boolean; code?: UsageOutcome };
          answered[body.valid ? "OK" : body.code!] += 1;
        }),
      );
    }
    // Each outcome was answered as planned, so the comparison below is per outcome, not only in total.
    for (const outcome of USAGE_OUTCOMES) expect(answered[outcome], outcome).toBe(plan.filter((o) => o === outcome).length);

    const after = await scrape();
    const delta = (name: string) => (after.get(name) ?? NaN) - (before.get(name) ?? 0);
    for (const outcome of USAGE_OUTCOMES)
      expect(delta(`keyward_verifications_total{outcome="${outcome}"}`), outcome).toBe(answered[outcome]);
    expect(delta('keyward_http_requests_total{class="verify",status="2xx"}')).toBe(plan.length);
    expect(delta("keyward_verify_duration_seconds_count")).toBe(plan.length);
    expect(delta('keyward_verify_duration_seconds_bucket{le="+Inf"}')).toBe(plan.length);
    // Every well-formed secret was answered from memory or after one database read; a malformed one is neither.
    expect(delta("keyward_key_cache_hits_total") + delta("keyward_key_cache_misses_total")).toBe(plan.length - answered.MALFORMED);
    expect(after.get("keyward_key_cache_hit_ratio")).toBeGreaterThan(0.5);
    expect(after.get("keyward_key_cache_entries")).toBeGreaterThanOrEqual(4);
    expect(after.get("keyward_key_poll_lag_seconds")).toBeLessThan(2);
    expect(after.get("keyward_usage_events_dropped_total")).toBe(0);
    expect(after.get("keyward_usage_spill_bytes")).toBe(0);
    // The usage writer catches up: every answered verification's event is written, in timed batches.
    await expect.poll(async () => eventsUnwritten(await scrape())).toBe(0);
    expect((await scrape()).get("keyward_usage_events_written_total")! - (before.get("keyward_usage_events_written_total") ?? 0)).toBe(
      plan.length,
    );
    expect((await scrape()).get("keyward_usage_batch_duration_seconds_count")).toBeGreaterThan(0);
  });

  it("counts requests by route class, with no key, path or secret among the labels", async () => {
    await get("/login");
    await get("/_next/static/none.js");
    await get("/api/v1/keys");
    const samples = await scrape();
    const labelled = [...samples.keys()].filter((name) => name.startsWith("keyward_"));
    for (const routeClass of ["console", "static", "api", "health"]) {
      const total = labelled
        .filter((n) => n.startsWith(`keyward_http_requests_total{class="${routeClass}"`))
        .reduce((sum, n) => sum + samples.get(n)!, 0);
      expect(total, routeClass).toBeGreaterThan(0);
    }
    expect(samples.get('keyward_http_requests_total{class="api",status="4xx"}')).toBeGreaterThan(0);
    const labelValues = labelled.flatMap((n) => [...n.matchAll(/="([^"]*)"/g)].map((m) => m[1]));
    const allowed = new Set([
      ...USAGE_OUTCOMES,
      "verify",
      "console",
      "api",
      "static",
      "health",
      "1xx",
      "2xx",
      "3xx",
      "4xx",
      "5xx",
      "aborted",
    ]);
    expect(labelValues.filter((v) => !allowed.has(v) && !/^(\d+(\.\d+)?|\+Inf)$/.test(v))).toEqual([]);
  });
});

describe("without KEYWARD_METRICS_TOKEN, with KEYWARD_METRICS_PORT", () => {
  let plain: KeywardServer;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await freePort();
    plain = await startKeyward({ databaseUrl: database.url, env: { KEYWARD_METRICS_PORT: String(metricsPort) } });
  }, 900_000);
  afterAll(async () => plain?.stop());

  it("/metrics does not exist on the main port (404), and is served without a token on its own port, alone", async () => {
    const hidden = await fetch(`${plain.url}/metrics`, { headers: { authorization: "Bearer anything" } });
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain("keyward_");
    const separate = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(separate.status).toBe(200);
    expect(await separate.text()).toContain("keyward_verifications_total");
    expect((await fetch(`http://127.0.0.1:${metricsPort}/healthz`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/login`)).status).toBe(404);
  });
});

describe("not ready", () => {
  it("/readyz answers 503 migrations_pending once a migration is missing (the database check is cached ~1 s)", async () => {
    const [latest] = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT MAX(migration_name) AS name FROM "_prisma_migrations"`);
    const row = await db.$queryRawUnsafe<Record<string, unknown>[]>(
      `SELECT * FROM "_prisma_migrations" WHERE migration_name = '${latest.name}'`,
    );
    expect(row).toHaveLength(1);
    await db.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = finished_at WHERE migration_name = '${latest.name}'`);
    try {
      await expect
        .poll(async () => {
          const res = await get("/readyz");
          return [res.status, await res.json()];
        })
        .toEqual([
          503,
          {
            status: "not_ready",
            reason: "migrations_pending",
            checks: { database: "migrations_pending", usageWriter: "ok" },
            usageBacklog: 0,
          },
        ]);
      // The answer names no database; the log line does, once.
      expect((await (await get("/readyz")).text()).includes("127.0.0.1")).toBe(false);
      expect(server.output()).toMatch(/schema .* is behind/);
      expect((await get("/healthz")).status).toBe(200);
    } finally {
      await db.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = '${latest.name}'`);
    }
    await expect.poll(async () => (await get("/readyz")).status).toBe(200);
  });

  it.runIf(testBackend === "postgres")(
    "/readyz answers 503 database_unreachable when its database is gone, while /healthz stays 200",
    async () => {
      const name = new URL(database.url).pathname.slice(1);
      await dropDatabase(process.env.TEST_POSTGRES_URL!, name);
      await expect
        .poll(
          async () => {
            const res = await get("/readyz");
            return [res.status, ((await res.json()) as { reason?: string }).reason];
          },
          { timeout: 10_000 },
        )
        .toEqual([503, "database_unreachable"]);
      expect((await get("/healthz")).status).toBe(200);
    },
  );
});
