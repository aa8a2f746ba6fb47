// The usage writer the verify endpoint uses, on each backend: a thread of its own with its own connection
// (better-sqlite3 on SQLite, pg on PostgreSQL), one transaction per batch.
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { describe, expect, it } from "vitest";
import type { UsageEventInput } from "@/lib/usage/event";
import { UsageRecorder } from "@/lib/usage/recorder";
import { HOUR_MS } from "@/lib/usage/rollup";
import { startVerifyServer } from "@/lib/verify/service";
import { setUpTestDb, testBackend } from "../support/db";
import { createOrg } from "../support/fixtures";
import { verify } from "../verify/support/http";
import { newKey, sleep } from "../verify/support/keys";

const { db, url } = await setUpTestDb();

function event(orgId: string, keyId: string, at: Date, outcome: UsageEventInput["outcome"] = "OK"): UsageEventInput {
  return { orgId, keyId, at, outcome, action: "read", resource: "projects/a", ip: "192.0.2.1", userAgent: "vitest" };
}

describe("usage writer", () => {
  it("builds and writes the batches off the request thread: its event loop stays idle while 20,000 events are written", async () => {
    const { orgId, actor } = await createOrg(db, { keyPrefix: "wt" });
    const keys = [await newKey(db, actor), await newKey(db, actor), await newKey(db, actor)];
    const recorder = new UsageRecorder(db, { url });
    const at = Date.now();
    for (let i = 0; i < 20_000; i++) recorder.record(event(orgId, keys[i % 3].key.id, new Date(at - i)));
    const before = performance.eventLoopUtilization();
    await recorder.flush(60_000);
    const busy = performance.eventLoopUtilization(before);
    await recorder.close();
    expect(await db.usageEvent.count({ where: { orgId } })).toBe(20_000);
    // Handing 20,000 events to the writer's thread is a few structured clones (~0.3 s here, loaded); building the rows
    // (Prisma's createMany on the request thread did) kept this thread busy ~10 s on PostgreSQL.
    expect(busy.active).toBeLessThan(2000);
  });

  it("writes every recorded event, exact to the millisecond, and adds each batch's counts to the hourly rollups already there", async () => {
    const { orgId, actor } = await createOrg(db, { keyPrefix: "wb" });
    const keys = [await newKey(db, actor), await newKey(db, actor)];
    const hour = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 5 * HOUR_MS;
    // A row another instance wrote before: the batches must add to it (ON CONFLICT … count + excluded.count).
    await db.usageRollup.create({ data: { orgId, keyId: keys[0].key.id, hour: new Date(hour), outcome: "OK", count: 1000 } });
    const recorder = new UsageRecorder(db, { url, batchSize: 100, maxBatch: 100 });
    const expected = new Map<string, number>([[`${keys[0].key.id} ${hour} OK`, 1000]]);
    let recorded = 0;
    // 1,200 events over three hours (the last one on an hour boundary), two keys and two outcomes: 12 batches.
    for (let i = 0; i < 1200; i++) {
      const at = hour + (i % 3) * HOUR_MS + (i % 3 === 2 ? 0 : 1 + ((i * 7919) % (HOUR_MS - 2)));
      const keyId = keys[i % 2].key.id;
      const outcome = i % 5 === 0 ? "IP_NOT_ALLOWED" : "OK";
      recorder.record(event(orgId, keyId, new Date(at), outcome));
      recorded += 1;
      const id = `${keyId} ${Math.floor(at / HOUR_MS) * HOUR_MS} ${outcome}`;
      expected.set(id, (expected.get(id) ?? 0) + 1);
      if (i % 250 === 0) await recorder.flush();
    }
    const stats = await recorder.close();
    expect(stats).toMatchObject({ recorded, written: recorded, buffered: 0, dropped: 0 });
    const events = await db.usageEvent.findMany({ where: { orgId }, select: { at: true } });
    expect(events).toHaveLength(1200);
    // The odd millisecond survives (no rounding through text dates or the session's time zone).
    expect(new Set(events.map((e) => e.at.getTime() % 1000)).size).toBeGreaterThan(100);
    expect(Math.min(...events.map((e) => e.at.getTime()))).toBeGreaterThanOrEqual(hour);
    const rollups = await db.usageRollup.findMany({ where: { orgId } });
    expect(new Map(rollups.map((r) => [`${r.keyId} ${r.hour.getTime()} ${r.outcome}`, r.count]))).toEqual(expected);
  });

  it.runIf(testBackend === "postgres")("opens a new connection when the server drops the writer's, and loses no event", async () => {
    const { orgId, actor } = await createOrg(db, { keyPrefix: "wc" });
    const { key } = await newKey(db, actor);
    const recorder = new UsageRecorder(db, { url });
    for (let i = 0; i < 10; i++) recorder.record(event(orgId, key.id, new Date()));
    await recorder.flush();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rowCount } = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'keyward-usage-writer'`,
      );
      expect(rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    for (let i = 0; i < 10; i++) recorder.record(event(orgId, key.id, new Date()));
    await recorder.flush().catch(() => recorder.flush());
    await recorder.close();
    expect(await db.usageEvent.count({ where: { orgId } })).toBe(20);
  });

  it.runIf(testBackend === "postgres")(
    "a server that stops while a verification waits on the database still answers it and writes its event",
    async () => {
      const { actor } = await createOrg(db, { keyPrefix: "ws" });
      const { key, secret } = await newKey(db, actor);
      const server = await startVerifyServer({ db, url, prune: false });
      const locker = new pg.Client({ connectionString: url });
      await locker.connect();
      try {
        // The key is not cached yet: its read waits behind this lock until after the server began to stop.
        await locker.query(`BEGIN; LOCK TABLE "KeySecret" IN ACCESS EXCLUSIVE MODE`);
        const answer = verify(server.urls[0], { key: secret }).catch(() => null);
        // Until the verification reached the server and asked the database for its key (a cache miss): a fixed
        // 300 ms let a loaded machine close the server before the request reached it. (Not pg_stat_activity: with
        // the cache's own read of KeySecret hashes blocked too, the key's read may wait for a pool connection.)
        await expect.poll(() => server.service.cache.lookups.misses, { timeout: 20_000 }).toBeGreaterThan(0);
        const closed = server.close();
        await sleep(300);
        await locker.query("COMMIT");
        const stats = await closed;
        await answer;
        expect(stats).toMatchObject({ answered: 1, written: 1, buffered: 0 });
      } finally {
        await locker.end();
      }
      expect(await db.usageEvent.count({ where: { keyId: key.id, outcome: "OK" } })).toBe(1);
    },
  );
});

describe("usage writer thread", () => {
  it.runIf(testBackend === "sqlite")(
    "a thread that stopped is started again: events recorded while it could not open the database are written once it can",
    async () => {
      const { orgId, actor } = await createOrg(db, { keyPrefix: "wr" });
      const key = await newKey(db, actor);
      const dir = mkdtempSync(path.join(tmpdir(), "keyward-writer-"));
      // Not there yet (a volume mounted late, say): the SQLite thread fails to open it and stops.
      const later = path.join(dir, "keyward.db");
      const recorder = new UsageRecorder(db, { url: `file:${later}` });
      try {
        for (let i = 0; i < 10; i++) recorder.record(event(orgId, key.key.id, new Date()));
        await expect(recorder.flush(2000)).rejects.toThrow(/usage writer thread/);
        symlinkSync(path.resolve(url.replace(/^file:/, "")), later);
        // The recorder's own retries (every ≤ 2 s) start a new thread, which can open it now.
        await expect.poll(() => db.usageEvent.count({ where: { orgId } }), { timeout: 10_000 }).toBe(10);
        expect(recorder.getStats()).toMatchObject({ written: 10, dropped: 0, buffered: 0 });
      } finally {
        await recorder.close().catch(() => {});
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
