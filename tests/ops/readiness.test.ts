// The readiness rules of /readyz (server/readiness.ts) on a real database, with the usage writer's figures and
// the clock given by the test.
import { describe, expect, it } from "vitest";
import type { UsageRecorderStats } from "@/lib/usage/recorder";
import { createReadiness } from "@/server/readiness";
import { setUpTestDb } from "../support/db";

const { db, url } = await setUpTestDb();

function setup(options: { maxBacklog?: number; stallMs?: number } = {}) {
  const clock = { now: 1_000_000 };
  const usage: UsageRecorderStats = { recorded: 0, written: 0, dropped: 0, buffered: 0 };
  const readiness = createReadiness({ db, url, usage: () => usage, now: () => clock.now, ...options });
  return { clock, usage, readiness };
}

describe("readiness", () => {
  it("is ready on a migrated database with no backlog, and not ready past the backlog threshold", async () => {
    const { usage, readiness } = setup({ maxBacklog: 100 });
    expect(await readiness.check()).toMatchObject({ ready: true, checks: { database: "ok", usageWriter: "ok" } });
    usage.buffered = 101;
    usage.written = 5;
    expect(await readiness.check()).toMatchObject({ ready: false, reason: "usage_backlog_over_threshold", usageBacklog: 101 });
    usage.buffered = 100;
    usage.written = 6;
    expect((await readiness.check()).ready).toBe(true);
  });

  it("is not ready when events wait and the writer has written nothing for stallMs, and ready again when it writes", async () => {
    const { clock, usage, readiness } = setup({ stallMs: 10_000 });
    usage.buffered = 10;
    expect((await readiness.check()).ready).toBe(true);
    clock.now += 10_001;
    expect(await readiness.check()).toMatchObject({ ready: false, reason: "usage_writer_stalled" });
    usage.written = 10;
    usage.buffered = 3;
    expect((await readiness.check()).ready).toBe(true);
    // Nothing waiting is never a stall, however long the writer has been idle.
    usage.buffered = 0;
    clock.now += 60_000;
    expect((await readiness.check()).ready).toBe(true);
  });

  it("reads the database at most once per cacheMs, however many probes come", async () => {
    const { clock, readiness } = setup();
    expect((await readiness.check()).ready).toBe(true);
    const [latest] = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT MAX(migration_name) AS name FROM "_prisma_migrations"`);
    await db.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = finished_at WHERE migration_name = '${latest.name}'`);
    try {
      // Within the second: the cached answer, for a storm of concurrent probes too.
      clock.now += 999;
      const storm = await Promise.all(Array.from({ length: 50 }, () => readiness.check()));
      expect(storm.every((r) => r.ready)).toBe(true);
      clock.now += 2;
      expect(await readiness.check()).toMatchObject({
        ready: false,
        reason: "migrations_pending",
        checks: { database: "migrations_pending" },
      });
    } finally {
      await db.$executeRawUnsafe(`UPDATE "_prisma_migrations" SET rolled_back_at = NULL WHERE migration_name = '${latest.name}'`);
    }
  });

  it("is not ready once the server is shutting down", async () => {
    const { readiness } = setup();
    readiness.close();
    expect(await readiness.check()).toMatchObject({ ready: false, reason: "shutting_down", checks: { database: "ok" } });
  });
});
