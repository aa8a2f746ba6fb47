import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getSparklines, getUsageSeries, hourlyUsage, resolveUsageRange } from "@/lib/queries/usage";
import { HOUR_MS, rollupsFromEvents } from "@/lib/usage/rollup";
import { USAGE_OUTCOMES } from "@/lib/usage/outcomes";
import { UsageRecorder } from "@/lib/usage/recorder";
import { setUpTestDb } from "../support/db";

const { db, url } = await setUpTestDb();
const NOW = new Date("2026-03-10T15:27:00Z");
const DAY = 24 * HOUR_MS;

const eventArb = fc.record({
  orgId: fc.constantFrom("org_a", "org_b", ""),
  keyId: fc.constantFrom("key_1", "key_2", "key_3", ""),
  // Within the last 32 days, including instants right on hour boundaries.
  at: fc
    .oneof(
      fc.integer({ min: NOW.getTime() - 32 * DAY, max: NOW.getTime() }),
      fc.integer({ min: 0, max: 32 * 24 }).map((h) => Math.floor(NOW.getTime() / HOUR_MS) * HOUR_MS - h * HOUR_MS),
    )
    .map((t) => new Date(t)),
  outcome: fc.constantFrom(...USAGE_OUTCOMES),
});

describe("rollups = counts over raw events", () => {
  it("for random traffic written by the usage recorder, every chart number equals a COUNT over the raw events", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArb, { minLength: 1, maxLength: 400 }),
        fc.constantFrom("24h", "7d", "30d") as fc.Arbitrary<"24h" | "7d" | "30d">,
        async (events, preset) => {
          await db.usageEvent.deleteMany({});
          await db.usageRollup.deleteMany({});
          // The writer the verify endpoint uses (on SQLite its own thread and connection), in small batches.
          const recorder = new UsageRecorder(db, { url, batchSize: 50, maxBatch: 50 });
          for (const e of events) recorder.record({ ...e, action: "read", resource: null, ip: "192.0.2.1", userAgent: null });
          await recorder.close();

          // Every rollup row against the raw events of its (org, key, hour, outcome).
          for (const row of await db.usageRollup.findMany()) {
            const raw = await db.usageEvent.count({
              where: {
                orgId: row.orgId,
                keyId: row.keyId,
                outcome: row.outcome,
                at: { gte: row.hour, lt: new Date(row.hour.getTime() + HOUR_MS) },
              },
            });
            expect(row.count).toBe(raw);
          }
          expect((await db.usageRollup.aggregate({ _sum: { count: true } }))._sum.count).toBe(await db.usageEvent.count());

          // The org-wide series and each bucket against COUNT(*) over the bucket's raw events.
          const range = resolveUsageRange({ range: preset }, NOW);
          const series = await getUsageSeries(db, "org_a", range);
          for (const bucket of series.buckets) {
            const raw = await db.usageEvent.groupBy({
              by: ["outcome"],
              where: { orgId: "org_a", at: { gte: new Date(bucket.start), lt: new Date(bucket.end) } },
              _count: { _all: true },
            });
            for (const outcome of USAGE_OUTCOMES)
              expect(bucket.counts[outcome]).toBe(raw.find((r) => r.outcome === outcome)?._count._all ?? 0);
          }
          expect(series.total).toBe(await db.usageEvent.count({ where: { orgId: "org_a", at: { gte: range.start, lt: range.end } } }));
        },
      ),
      { numRuns: 15 },
    );
  });

  it("sparklines: one query for all keys, per-day counts equal the raw events", async () => {
    const events = Array.from({ length: 300 }, (_, i) => ({
      orgId: "org_a",
      keyId: `key_${i % 3}`,
      at: new Date(NOW.getTime() - ((i * 7919) % (31 * 24)) * HOUR_MS),
      outcome: USAGE_OUTCOMES[i % USAGE_OUTCOMES.length],
    }));
    await db.usageEvent.deleteMany({});
    await db.usageRollup.deleteMany({});
    await db.usageEvent.createMany({ data: events });
    await db.usageRollup.createMany({ data: rollupsFromEvents(events) });
    const lines = await getSparklines(db, "org_a", ["key_0", "key_1", "key_9"], NOW);
    expect(lines.key_9).toEqual(new Array(30).fill(0));
    const end = Math.floor(NOW.getTime() / HOUR_MS) * HOUR_MS + HOUR_MS;
    for (const keyId of ["key_0", "key_1"]) {
      expect(lines[keyId]).toHaveLength(30);
      for (let day = 0; day < 30; day++) {
        const from = new Date(end - (30 - day) * DAY);
        const raw = await db.usageEvent.count({ where: { orgId: "org_a", keyId, at: { gte: from, lt: new Date(from.getTime() + DAY) } } });
        expect(lines[keyId][day]).toBe(raw);
      }
    }
    // Another organization's rollups never leak into these sparklines.
    expect(await getSparklines(db, "org_b", ["key_0"], NOW)).toEqual({ key_0: new Array(30).fill(0) });
  });

  it("the chart query reads rollups scoped to the organization and the key", async () => {
    const range = resolveUsageRange({ range: "30d" }, NOW);
    const all = await hourlyUsage(db, "org_a", range);
    const one = await hourlyUsage(db, "org_a", range, { keyId: "key_0" });
    const sum = (rows: { count: number }[]) => rows.reduce((a, r) => a + r.count, 0);
    expect(sum(one)).toBeLessThan(sum(all));
    expect(await hourlyUsage(db, "org_nobody", range)).toEqual([]);
  });
});
