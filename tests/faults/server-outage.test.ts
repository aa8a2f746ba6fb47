// The real server (npm start's path: the verify fast path, Next on its thread, the proxy) on a PostgreSQL cluster of
// this test's own, stopped under load: the console answers a "Database unavailable" page with 503 (not Next's 500),
// the management API 503 DATABASE_UNAVAILABLE, verify 503 UNAVAILABLE for a key it cannot confirm; the log holds a
// handful of lines for thousands of failures, no stack trace; everything works again once the database is back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { migrateDatabase } from "@/lib/db/migrate";
import { testBackend } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { startPostgresCluster, type PostgresCluster } from "../support/postgres-cluster";
import { verify } from "../verify/support/http";

let cluster: PostgresCluster;
let db: Db;
let server: KeywardServer;
let admin: Awaited<ReturnType<typeof makeKey>>;
let cached: typeof admin;
let uncached: typeof admin;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.runIf(testBackend === "postgres")("the server while its PostgreSQL is stopped", () => {
  beforeAll(async () => {
    cluster = await startPostgresCluster();
    migrateDatabase(cluster.url);
    db = createDb(cluster.url);
    const org = await createOrg(db, { keyPrefix: "so" });
    admin = await makeKey(db, org.actor, { name: "Admin", scopes: [{ action: "admin", resourceFilter: "keys/**" }] });
    cached = await makeKey(db, org.actor, { name: "Cached" });
    uncached = await makeKey(db, org.actor, { name: "Uncached" });
    // Builds the app first when it is stale (the first test file to start a server does it for all).
    server = await startKeyward({ databaseUrl: cluster.url });
  }, 900_000);
  afterAll(async () => {
    await server?.stop();
    await db?.$disconnect();
    cluster?.destroy();
  });

  it("answers 503 pages, API errors and verifications that say so, logs a few lines, and recovers", async () => {
    const listKeys = () => fetch(`${server.url}/api/v1/keys`, { headers: { authorization: `Bearer ${admin.secret}` } });
    const page = () => fetch(`${server.url}/login`, { headers: { accept: "text/html" }, redirect: "manual" });
    expect((await listKeys()).status).toBe(200);
    expect((await verify(server.url, { key: cached.secret })).json.valid).toBe(true);
    const pageBefore = await page();
    expect(pageBefore.status).toBeLessThan(400);

    const logBefore = server.output().length;
    cluster.stop();
    // Load through the outage: a cached key (answered from memory) and one the server must read (503 each time).
    const counts = new Map<string, number>();
    let running = true;
    const workers = Array.from({ length: 8 }, async (_, n) => {
      while (running) {
        const res = await verify(server.url, { key: (n % 2 ? cached : uncached).secret });
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

    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ reason: "database_unreachable" });

    await sleep(3000);
    running = false;
    await Promise.all(workers);
    const outageLog = server.output().slice(logBefore).split("\n").filter(Boolean);
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
    while ((await verify(server.url, { key: uncached.secret })).json?.valid !== true) {
      if (Date.now() > deadline) throw new Error(`verify did not recover:\n${server.output().slice(-3000)}`);
      await sleep(100);
    }
    expect((await listKeys()).status).toBe(200);
    expect((await page()).status).toBeLessThan(400);
  }, 60_000);
});
