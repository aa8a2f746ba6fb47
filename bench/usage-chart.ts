// `npm run bench` section: the 30-day org-wide usage chart, read from the hourly rollups (what /usage
// does) against the naive GROUP BY over raw events, both measured in this run on the same temp SQLite
// database holding BENCH_USAGE_EVENTS (default 5 million) requests of one organization.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { createDb } from "../lib/db/client";
import { sqliteTime } from "../lib/db/sqlite-time.mjs";
import { getUsageSeries, resolveUsageRange } from "../lib/queries/usage";
import { HOUR_MS, hourOf, rollupsFromEvents, type RollupEvent } from "../lib/usage/rollup";
import { USAGE_OUTCOMES } from "../lib/usage/outcomes";
import { seededRandom } from "../scripts/demo-traffic";
import { migrateDatabase } from "../lib/db/migrate";
import { exitOnMiss, expectSize, target } from "./targets";

const KEYS = 200;
const HOURS = 720;
const TARGET_MS = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timeIt(runs: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up: statement preparation, page cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}

// Traffic shaped like production: most keys are almost never denied; a few (misconfigured, or probed
// from elsewhere) are denied often, mostly for one reason.
function outcomeFor(rand: () => number, keyIndex: number): string {
  const noisy = keyIndex % 10 === 0;
  if (rand() >= (noisy ? 0.15 : 0.005)) return "OK";
  if (noisy) return rand() < 0.8 ? (keyIndex % 20 === 0 ? "IP_NOT_ALLOWED" : "INSUFFICIENT_SCOPE") : "REVOKED";
  return USAGE_OUTCOMES[1 + Math.floor(rand() * (USAGE_OUTCOMES.length - 1))];
}

const EVENT_COLUMNS = `"orgId","keyId","at","outcome","action","resource","ip","userAgent"`;

function load(file: string, orgId: string, totalEvents: number, end: Date) {
  const sqlite = new Database(file);
  // A throwaway database: durability would only measure the disk.
  sqlite.pragma("journal_mode = OFF");
  sqlite.pragma("synchronous = OFF");
  // Bulk load without the raw-event indexes, then rebuild them exactly as the migration defines them.
  const indexes = sqlite
    .prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'UsageEvent' AND sql IS NOT NULL`)
    .all() as { sql: string }[];
  for (const { sql } of indexes) sqlite.exec(`DROP INDEX ${/INDEX\s+("[^"]+")/.exec(sql)![1]}`);

  // Deterministic, so two runs load the same data.
  const rand = seededRandom(42);
  const keyIds = Array.from({ length: KEYS }, (_, i) => `key_bench${String(i).padStart(15, "0")}`);
  const perKeyHour = Math.floor(totalEvents / (KEYS * HOURS));
  let remainder = totalEvents - perKeyHour * KEYS * HOURS;
  const start = end.getTime() - HOURS * HOUR_MS;
  const ROWS = 200;
  const insertMany = sqlite.prepare(
    `INSERT INTO "UsageEvent" (${EVENT_COLUMNS}) VALUES ${new Array(ROWS).fill("(?,?,?,?,?,?,?,?)").join(",")}`,
  );
  const insertOne = sqlite.prepare(`INSERT INTO "UsageEvent" (${EVENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)`);
  const insertRollup = sqlite.prepare(`INSERT INTO "UsageRollup" ("orgId","keyId","hour","outcome","count") VALUES (?,?,?,?,?)`);
  const batch: unknown[] = new Array(ROWS * 8);
  let filled = 0;
  let rollupRows = 0;
  const resources = Array.from({ length: 50 }, (_, i) => `projects/p${i}`);
  sqlite.transaction(() => {
    for (let h = 0; h < HOURS; h++) {
      const hourStart = start + h * HOUR_MS;
      const events: RollupEvent[] = [];
      keyIds.forEach((keyId, k) => {
        let n = perKeyHour;
        if (remainder > 0) {
          n += 1;
          remainder -= 1;
        }
        for (let i = 0; i < n; i++) {
          const outcome = outcomeFor(rand, k);
          const at = new Date(hourStart + Math.floor(rand() * HOUR_MS));
          events.push({ orgId, keyId, at, outcome });
          const r = rand();
          batch[filled++] = orgId;
          batch[filled++] = keyId;
          batch[filled++] = sqliteTime(at);
          batch[filled++] = outcome;
          batch[filled++] = r < 0.7 ? "read" : "write";
          batch[filled++] = resources[Math.floor(r * 50)];
          batch[filled++] = `10.0.${k % 4}.${Math.floor(r * 250)}`;
          batch[filled++] = "bench/1.0";
          if (filled === batch.length) {
            insertMany.run(batch);
            filled = 0;
          }
        }
      });
      for (const row of rollupsFromEvents(events)) {
        insertRollup.run(row.orgId, row.keyId, sqliteTime(row.hour), row.outcome, row.count);
        rollupRows += 1;
      }
    }
    for (let i = 0; i < filled; i += 8) insertOne.run(batch.slice(i, i + 8));
  })();
  for (const { sql } of indexes) sqlite.exec(sql);
  sqlite.close();
  return { rollupRows };
}

export async function benchUsageChart(): Promise<void> {
  const totalEvents = Number(process.env.BENCH_USAGE_EVENTS || 5_000_000);
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-bench-usage-"));
  const file = path.join(dir, "bench.db");
  try {
    migrateDatabase(`file:${file}`);

    const orgId = "org_bench";
    const now = new Date();
    const end = new Date(hourOf(now).getTime() + HOUR_MS);
    const t0 = performance.now();
    const { rollupRows } = load(file, orgId, totalEvents, end);
    const loadSeconds = (performance.now() - t0) / 1000;

    const db = createDb(`file:${file}`);
    try {
      const range = resolveUsageRange({ range: "30d" }, now);
      const fromRollups = await timeIt(15, () => getUsageSeries(db, orgId, range));
      // The naive alternative: the same per-hour, per-outcome counts straight from raw events.
      const naive = () => db.$queryRaw<{ hour: string; outcome: string; count: bigint | number }[]>`
        SELECT substr("at", 1, 13) AS "hour", "outcome", COUNT(*) AS "count" FROM "UsageEvent"
        WHERE "orgId" = ${orgId} AND "at" >= ${range.start} AND "at" < ${range.end}
        GROUP BY substr("at", 1, 13), "outcome"`;
      const fromRaw = await timeIt(3, naive);

      // Both sides count every event loaded, in the same hour × outcome cells, or the comparison means nothing.
      const series = await getUsageSeries(db, orgId, range);
      expectSize("usage-chart: chart total from the rollups", series.total, totalEvents);
      const cells = await naive();
      expectSize(
        "usage-chart: naive GROUP BY total",
        cells.reduce((sum, c) => sum + Number(c.count), 0),
        totalEvents,
      );

      console.log(
        `\nUsage chart — 30-day org-wide series, ${totalEvents.toLocaleString("en")} events (${KEYS} keys × ${HOURS} h), ${rollupRows.toLocaleString("en")} rollup rows, loaded in ${loadSeconds.toFixed(1)} s`,
      );
      console.log(
        `  from hourly rollups (getUsageSeries)  median ${fromRollups.toFixed(1)} ms   (target ≤ ${TARGET_MS} ms: ${target(`usage-chart: 30-day series from rollups <= ${TARGET_MS} ms`, fromRollups <= TARGET_MS)})`,
      );
      console.log(`  naive GROUP BY over raw events        median ${fromRaw.toFixed(1)} ms`);
      console.log(`  rollups are ${(fromRaw / fromRollups).toFixed(1)}× faster than the raw-event baseline`);
    } finally {
      await db.$disconnect();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchUsageChart();
  exitOnMiss();
}
