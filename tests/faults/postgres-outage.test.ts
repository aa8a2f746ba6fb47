// The database gone during load, on a PostgreSQL cluster of this test's own that it stops and starts (the shared
// server is never touched): cached keys keep verifying, a key that cannot be confirmed gets 503 UNAVAILABLE
// (retryable, never a false NOT_FOUND, never a 500), nothing is served past the maximum staleness, a revoke made
// just before the outage wins once the database is back, and every usage event of an answered verification is
// written — kept in memory, then spilled to files — once it returns. Then the real server (npm start's path) on the
// same cluster: the console's 503 page, the API's 503, a handful of log lines for thousands of failures.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { log } from "@/lib/log";
import { UsageRecorder } from "@/lib/usage/recorder";
import { startVerifyServer, type VerifyServer } from "@/lib/verify/service";
import { testBackend } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster";
import { verify, type VerifyResponse } from "../verify/support/http";

const MAX_STALENESS_MS = 3000;
const OUTAGE_MS = Number(process.env.KEYWARD_FAULT_OUTAGE_MS) || 5000;

let cluster: PostgresCluster;
let db: Db;
let spillDir: string;
let server: VerifyServer;
let keyward: KeywardServer;
let apiAdmin: Awaited<ReturnType<typeof makeKey>>;
let warmKey: typeof apiAdmin;
let coldKey: typeof apiAdmin;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Requests verify with `secret` from `workers` loops until stopped; counts answers by status and code. */
function load(url: string, secret: string, workers = 8) {
  const counts = new Map<string, number>();
  const done: number[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      // A failed assertion closes the server under the loop: stop quietly, the assertion says what went wrong.
      const res = await verify(url, { key: secret }).catch(() => null);
      if (!res) return;
      const code = res.status === 200 ? (res.json.valid ? "OK" : res.json.code) : `${res.status} ${res.json?.error?.code}`;
      counts.set(code, (counts.get(code) ?? 0) + 1);
      if (res.status === 200) done.push(Date.now());
    }
  });
  return {
    counts,
    /** 200 answers per second over [from, to). */
    rate: (from: number, to: number) => done.filter((t) => t >= from && t < to).length / ((to - from) / 1000),
    async stop() {
      running = false;
      await Promise.all(loops);
      return counts;
    },
  };
}

async function until(what: string, check: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(50);
  }
}

function expectUnavailable(res: VerifyResponse) {
  expect(res.status, res.text).toBe(503);
  expect(res.json).toMatchObject({ error: { code: "UNAVAILABLE", retryable: true } });
  expect(res.headers["retry-after"]).toBe("1");
}

// One cluster for the file (initdb and the migrations take most of its setup).
beforeAll(async () => {
  if (testBackend !== "postgres") return;
  cluster = await startPostgresCluster();
  migrateDatabase(cluster.url);
  db = createDb(cluster.url);
}, 120_000);
afterAll(async () => {
  await db?.$disconnect();
  cluster?.destroy();
});

describe.runIf(testBackend === "postgres")("PostgreSQL stopped and started under load", () => {
  beforeAll(() => {
    spillDir = mkdtempSync(path.join(tmpdir(), "keyward-spill-"));
  });
  afterAll(async () => {
    await server?.close().catch(() => {});
    if (spillDir) rmSync(spillDir, { recursive: true, force: true });
  });

  it("keeps cached keys verifying, answers 503 UNAVAILABLE for what it cannot confirm, fails closed past the staleness bound, and writes every event once back", async () => {
    const org = await createOrg(db, { keyPrefix: "fo" });
    const cached = await makeKey(db, org.actor, { name: "Cached" });
    const uncached = await makeKey(db, org.actor, { name: "Uncached" });
    const victim = await makeKey(db, org.actor, { name: "Victim" });
    // A long poll: the revoke below reaches this instance only by reading the database again, as on a second
    // instance whose poll had not come round yet when the database went away.
    server = await startVerifyServer({
      db,
      url: cluster.url,
      prune: false,
      cache: { pollMs: 60_000, maxStalenessMs: MAX_STALENESS_MS },
      usage: { spillDir, maxInMemory: 300, batchSize: 100, maxBatch: 200 },
    });
    const url = server.urls[0];
    expect((await verify(url, { key: cached.secret })).json.valid).toBe(true);
    expect((await verify(url, { key: victim.secret })).json.valid).toBe(true);

    const traffic = load(url, cached.secret);
    await sleep(1000);
    // The instance's poll comes round (read here, as the poll would): the staleness bound below runs from now.
    // It ran from the server's start, and the second of traffic above plus the cluster's shutdown (a checkpoint,
    // slow on a loaded machine) could use up its 3 s before the first check that memory still answers.
    await server.service.cache.refreshOrgs();
    // Then another instance revokes the victim: its transaction, as this instance will read it.
    await db.$transaction([
      db.apiKey.update({ where: { id: victim.key.id }, data: { revokedAt: new Date() } }),
      db.organization.update({ where: { id: org.orgId }, data: { keysVersion: { increment: 1 } } }),
    ]);
    const stoppedAt = Date.now();
    cluster.stop();
    const outageStart = Date.now();

    // Within the staleness bound: the cached key answers from memory; the uncached one cannot be confirmed.
    expect((await verify(url, { key: cached.secret })).json.valid).toBe(true);
    expectUnavailable(await verify(url, { key: uncached.secret }));

    // Past the bound nothing is served from memory: the revoked key is never answered valid past it either.
    await until("fail closed", async () => (await verify(url, { key: victim.secret })).status === 503, MAX_STALENESS_MS + 1000);
    const failedClosedAfter = Date.now() - server.service.cache.lastPolledAt;
    expect(failedClosedAfter).toBeLessThan(MAX_STALENESS_MS + 1000);
    expectUnavailable(await verify(url, { key: cached.secret }));

    // The backlog outgrew memory (300 events): it is on disk now.
    await until("spilled", async () => server.service.recorder.spillStats().files > 0);
    const spilledFiles = readdirSync(spillDir).length;
    expect(spilledFiles).toBeGreaterThan(0);

    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStart)));
    const outageMs = Date.now() - stoppedAt;
    cluster.start();
    const back = Date.now();
    // Once it reads again, the revoke made before the outage wins.
    await until("revoke seen", async () => (await verify(url, { key: victim.secret })).json.code === "REVOKED");
    await until("cached key valid", async () => (await verify(url, { key: cached.secret })).json.valid === true);
    await until("backlog written", async () => server.service.recorder.getStats().buffered === 0, 20_000);
    const recoveredAt = Date.now();
    await sleep(1000);
    const counts = await traffic.stop();
    await server.service.recorder.flush();

    const before = traffic.rate(stoppedAt - 1000, stoppedAt);
    const recovering = traffic.rate(back, Math.max(recoveredAt, back + 500));
    console.info(
      `outage ${outageMs} ms: answers ${JSON.stringify(Object.fromEntries(counts))}; ` +
        `${spilledFiles} spill files; verify ${before.toFixed(0)} req/s before, ${recovering.toFixed(0)} req/s while the backlog was written`,
    );
    // Loose (a shared 2-core machine, the client in the same process): the backlog is written on its own thread.
    expect(recovering).toBeGreaterThan(before * 0.5);
    expect(counts.get("500 INTERNAL") ?? 0).toBe(0);
    expect(counts.get("NOT_FOUND") ?? 0).toBe(0);
    expect(counts.get("503 UNAVAILABLE") ?? 0).toBeGreaterThan(0);

    // Every verification answered 200 has its event, none twice; nothing dropped, nothing left on disk.
    const answered = server.service.stats().answered;
    expect(await db.usageEvent.count({ where: { orgId: org.orgId } })).toBe(answered);
    const rollups = await db.usageRollup.aggregate({ where: { orgId: org.orgId }, _sum: { count: true } });
    expect(rollups._sum.count).toBe(answered);
    expect(server.service.recorder.getStats()).toMatchObject({ dropped: 0, buffered: 0 });
    expect(readdirSync(spillDir)).toEqual([]);
  }, 60_000);

  it("past its bound drops the oldest events, counted and logged once, and writes the rest once the database is back", async () => {
    const org = await createOrg(db, { keyPrefix: "fd" });
    const { key } = await makeKey(db, org.actor, { name: "Dropped" });
    const dir = mkdtempSync(path.join(tmpdir(), "keyward-spill-"));
    const errors = vi.spyOn(log, "error");
    cluster.stop();
    const recorder = new UsageRecorder(db, {
      url: cluster.url,
      spillDir: dir,
      maxInMemory: 300,
      maxBuffered: 1000,
      batchSize: 100,
      maxBatch: 200,
    });
    try {
      for (let i = 0; i < 3000; i++) {
        recorder.record({
          orgId: org.orgId,
          keyId: key.id,
          at: new Date(),
          outcome: "OK",
          action: null,
          resource: null,
          ip: "192.0.2.1",
          userAgent: "t",
        });
        expect(recorder.getStats().buffered).toBeLessThanOrEqual(1000);
      }
      const { dropped } = recorder.getStats();
      expect(dropped).toBeGreaterThanOrEqual(2000);
      const dropLines = errors.mock.calls.filter(([msg]) => String(msg).includes("dropped the oldest"));
      expect(dropLines).toHaveLength(1);
      expect(String(dropLines[0][0])).toMatch(/backlog over 1000 events: dropped the oldest \d+ events/);
      cluster.start();
      await recorder.flush();
      expect(await db.usageEvent.count({ where: { keyId: key.id } })).toBe(3000 - dropped);
      expect(recorder.getStats()).toMatchObject({ recorded: 3000, written: 3000 - dropped, dropped, buffered: 0 });
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      errors.mockRestore();
      await recorder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);

  it("stopped during the outage, keeps what it could not write on disk, and the next start writes it", async () => {
    const org = await createOrg(db, { keyPrefix: "fa" });
    const { key } = await makeKey(db, org.actor, { name: "Adopted" });
    const dir = mkdtempSync(path.join(tmpdir(), "keyward-spill-"));
    cluster.stop();
    try {
      const first = new UsageRecorder(db, { url: cluster.url, spillDir: dir, maxInMemory: 300 });
      for (let i = 0; i < 700; i++)
        first.record({
          orgId: org.orgId,
          keyId: key.id,
          at: new Date(),
          outcome: "OK",
          action: null,
          resource: null,
          ip: "192.0.2.1",
          userAgent: "t",
        });
      expect(await first.close()).toMatchObject({ written: 0, dropped: 0 });
      expect(readdirSync(dir).length).toBeGreaterThan(0);
      cluster.start();
      const next = new UsageRecorder(db, { url: cluster.url, spillDir: dir });
      await next.flush();
      await next.close();
      expect(await db.usageEvent.count({ where: { keyId: key.id } })).toBe(700);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

describe.runIf(testBackend === "postgres")("the real server while its PostgreSQL is stopped", () => {
  beforeAll(async () => {
    const org = await createOrg(db, { keyPrefix: "so" });
    apiAdmin = await makeKey(db, org.actor, { name: "Admin", scopes: [{ action: "admin", resourceFilter: "keys/**" }] });
    warmKey = await makeKey(db, org.actor, { name: "Cached" });
    coldKey = await makeKey(db, org.actor, { name: "Uncached" });
    // Builds the app first when it is stale (the first test file to start a server does it for all).
    keyward = await startKeyward({ databaseUrl: cluster.url });
  }, 900_000);
  afterAll(async () => {
    await keyward?.stop();
  });

  it("answers 503 pages, API errors and verifications that say so, logs a few lines, and recovers", async () => {
    const listKeys = () => fetch(`${keyward.url}/api/v1/keys`, { headers: { authorization: `Bearer ${apiAdmin.secret}` } });
    const page = () => fetch(`${keyward.url}/login`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect((await listKeys()).status).toBe(200);
    expect((await verify(keyward.url, { key: warmKey.secret })).json.valid).toBe(true);
    const pageBefore = await page();
    expect(pageBefore.status).toBeLessThan(400);

    const logBefore = keyward.output().length;
    cluster.stop();
    // Load through the outage: a cached key (answered from memory) and one the server must read (503 each time).
    const counts = new Map<string, number>();
    let running = true;
    const workers = Array.from({ length: 8 }, async (_, n) => {
      while (running) {
        const res = await verify(keyward.url, { key: (n % 2 ? warmKey : coldKey).secret });
        const code = res.status === 200 ? (res.json.valid ? "OK" : res.json.code) : `${res.status} ${res.json?.error?.code}`;
        counts.set(code, (counts.get(code) ?? 0) + 1);
      }
    });

    const down = await page();
    const html = await down.text();
    expect(down.status, html.slice(0, 500)).toBe(503);
    expect(down.headers.get("content-type")).toMatch(/^text\/html/);
    expect(down.headers.get("retry-after")).toBe("5");
    expect(html).toContain("<h1>Database unavailable</h1>");

    const api = await listKeys();
    expect(api.status).toBe(503);
    expect(api.headers.get("retry-after")).toBe("5");
    expect(await api.json()).toMatchObject({ error: { code: "DATABASE_UNAVAILABLE" } });

    const ready = await fetch(`${keyward.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: "database_unreachable" });

    await sleep(3000);
    running = false;
    await Promise.all(workers);
    const outageLog = keyward.output().slice(logBefore).split("\n").filter(Boolean);
    cluster.start();

    expect(counts.get("OK") ?? 0).toBeGreaterThan(100);
    expect(counts.get("503 UNAVAILABLE") ?? 0).toBeGreaterThan(100);
    expect(counts.get("NOT_FOUND") ?? 0).toBe(0);
    expect(counts.get("500 INTERNAL") ?? 0).toBe(0);
    // Thousands of failed attempts (verify's, the usage writer's, the key-change poll's), a handful of lines.
    console.info(`${[...counts.values()].reduce((a, b) => a + b)} verifications during the outage, ${outageLog.length} log lines`);
    expect(outageLog.length, outageLog.join("\n")).toBeLessThanOrEqual(15);
    expect(outageLog.join("\n")).not.toMatch(/"stack"|\\n\s+at /);

    // Back: everything answers again, the key that could not be confirmed included.
    const deadline = Date.now() + 15_000;
    while ((await verify(keyward.url, { key: coldKey.secret })).json?.valid !== true) {
      if (Date.now() > deadline) throw new Error(`verify did not recover:\n${keyward.output().slice(-3000)}`);
      await sleep(100);
    }
    expect((await listKeys()).status).toBe(200);
    expect((await page()).status).toBeLessThan(400);
  }, 60_000);
});
