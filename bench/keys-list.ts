// The API Keys page's server-side data query (first page + status counts) with 100,000 keys in one
// organization, next to a plain 50-row SELECT on the same table measured in the same run.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Table from "cli-table3";
import { createDb, type Db } from "../lib/db/client";
import { dropDatabaseForce, postgresAdminQuery } from "../lib/db/postgres-admin";
import { KEY_PAGE_SIZE } from "../lib/queries/key-list-params";
import { listKeys, parseKeyListParams } from "../lib/queries/keys";
import { migrateDatabase } from "../lib/db/migrate";
import { expectSize, target } from "./targets";

const KEY_COUNT = 100_000;
const BASELINE_ROWS = 50;
const RUNS = 30;
const TARGET_MS = 50;

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function timeRuns(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn(); // warm-up: statement caches, page cache
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

// Prisma's SQLite adapter stores DateTime as ISO-8601 text with a "+00:00" offset; the generated rows
// must use the same form or the date comparisons in the status filter would be wrong.
const SQL_NOW_MINUS = (expr: string) => `strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now', ${expr})`;

/**
 * 100k keys: ~70% active (a third never expiring), ~15% expired, ~15% revoked; created over the last
 * ~2 years; most used recently. One scope and one CIDR per key, like real rows the page includes.
 */
export async function seedBenchKeys(db: Db, orgId: string): Promise<void> {
  await db.$executeRawUnsafe(`
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ${KEY_COUNT})
    INSERT INTO ApiKey (id, orgId, name, description, environment, displayPrefix, last4, createdAt, createdByLabel,
                        updatedAt, expiresAt, revokedAt, revokedByLabel, lastUsedAt)
    SELECT printf('key_%020d', x), '${orgId}', printf('Service key %06d', x), '', 'live', 'kw_live_',
           substr(printf('%04d', x), -4),
           ${SQL_NOW_MINUS("printf('-%d minutes', x * 10)")}, 'bench@example.com',
           ${SQL_NOW_MINUS("printf('-%d minutes', x * 10)")},
           CASE WHEN x % 20 < 3 THEN ${SQL_NOW_MINUS("printf('-%d hours', 1 + x % 500)")}
                WHEN x % 3 = 0 THEN NULL
                ELSE ${SQL_NOW_MINUS("printf('+%d hours', 1 + x % 9000)")} END,
           CASE WHEN x % 20 BETWEEN 3 AND 5 THEN ${SQL_NOW_MINUS("printf('-%d hours', x % 700)")} END,
           CASE WHEN x % 20 BETWEEN 3 AND 5 THEN 'bench@example.com' END,
           CASE WHEN x % 7 = 0 THEN NULL ELSE ${SQL_NOW_MINUS("printf('-%d seconds', x * 37)")} END
    FROM n`);
  await db.$executeRawUnsafe(`
    INSERT INTO KeyScope (id, keyId, position, action, resourceFilter)
    SELECT 'scp_' || substr(id, 5), id, 0, 'read', 'projects/**' FROM ApiKey WHERE orgId = '${orgId}'`);
  await db.$executeRawUnsafe(`
    INSERT INTO KeyCidr (id, keyId, cidr, family)
    SELECT 'cid_' || substr(id, 5), id, '10.0.0.0/8', 4 FROM ApiKey WHERE orgId = '${orgId}'`);
  await db.$executeRawUnsafe("ANALYZE");
}

/** The same 100k keys on PostgreSQL (generate_series for the recursive CTE, intervals for strftime). */
export async function seedBenchKeysPostgres(db: Db, orgId: string): Promise<void> {
  const now = `(now() AT TIME ZONE 'utc')`;
  await db.$executeRawUnsafe(`
    INSERT INTO "ApiKey" (id, "orgId", name, description, environment, "displayPrefix", last4, "createdAt", "createdByLabel",
                          "updatedAt", "expiresAt", "revokedAt", "revokedByLabel", "lastUsedAt")
    SELECT 'key_' || lpad(x::text, 20, '0'), '${orgId}', 'Service key ' || lpad(x::text, 6, '0'), '', 'live', 'kw_live_',
           right(lpad(x::text, 4, '0'), 4),
           ${now} - make_interval(mins => x * 10), 'bench@example.com', ${now} - make_interval(mins => x * 10),
           CASE WHEN x % 20 < 3 THEN ${now} - make_interval(hours => 1 + x % 500)
                WHEN x % 3 = 0 THEN NULL
                ELSE ${now} + make_interval(hours => 1 + x % 9000) END,
           CASE WHEN x % 20 BETWEEN 3 AND 5 THEN ${now} - make_interval(hours => x % 700) END,
           CASE WHEN x % 20 BETWEEN 3 AND 5 THEN 'bench@example.com' END,
           CASE WHEN x % 7 = 0 THEN NULL ELSE ${now} - make_interval(secs => x * 37) END
    FROM generate_series(1, ${KEY_COUNT}) AS x`);
  await db.$executeRawUnsafe(`
    INSERT INTO "KeyScope" (id, "keyId", position, action, "resourceFilter")
    SELECT 'scp_' || substr(id, 5), id, 0, 'read', 'projects/**' FROM "ApiKey" WHERE "orgId" = '${orgId}'`);
  await db.$executeRawUnsafe(`
    INSERT INTO "KeyCidr" (id, "keyId", cidr, family)
    SELECT 'cid_' || substr(id, 5), id, '10.0.0.0/8', 4 FROM "ApiKey" WHERE "orgId" = '${orgId}'`);
  await db.$executeRawUnsafe("ANALYZE");
}

/**
 * SQLite always; PostgreSQL too when BENCH_POSTGRES_URL (or TEST_POSTGRES_URL) names a server where a
 * scratch database may be created.
 */
export async function benchKeysList(): Promise<void> {
  process.env.KEYWARD_MASTER_KEY ??= randomBytes(32).toString("hex");
  const results = [await benchKeysListOn("sqlite")];
  const pgAdmin = process.env.BENCH_POSTGRES_URL || process.env.TEST_POSTGRES_URL;
  if (pgAdmin) results.push(await benchKeysListOn("postgres", pgAdmin));
  else
    console.log(
      "keys-list: set BENCH_POSTGRES_URL (a PostgreSQL server where a scratch database may be created) for the PostgreSQL column",
    );
  const table = new Table({ head: ["median of 30 runs, 100,000 keys", ...results.map((r) => r.backend)] });
  for (const label of Object.keys(results[0].figures)) {
    table.push([
      label,
      ...results.map((r) => `${r.figures[label].toFixed(2)} ms (${(r.figures[label] / r.figures[BASELINE]).toFixed(1)}x)`),
    ]);
  }
  console.log(table.toString());
  for (const r of results) {
    const list = r.figures[FIRST_PAGE];
    console.log(
      `  ${r.backend}: first page + counts ${list.toFixed(1)} ms, target <= ${TARGET_MS} ms -> ${target(`keys-list ${r.backend}: first page + counts <= ${TARGET_MS} ms`, list <= TARGET_MS)}`,
    );
  }
}

const BASELINE = "plain SELECT 50 rows (baseline)";
const FIRST_PAGE = "listKeys: first page + status counts";

async function benchKeysListOn(
  backend: "sqlite" | "postgres",
  pgAdmin?: string,
): Promise<{ backend: string; figures: Record<string, number> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-bench-keys-"));
  const pgName = `keyward_bench_${process.pid}`;
  let url = `file:${path.join(dir, "bench.db")}`;
  if (backend === "postgres") {
    await dropDatabaseForce(pgAdmin!, pgName);
    await postgresAdminQuery(pgAdmin!, `CREATE DATABASE "${pgName}"`);
    const u = new URL(pgAdmin!);
    u.pathname = `/${pgName}`;
    url = u.toString();
  }
  migrateDatabase(url);
  const db = createDb(url);
  try {
    const orgId = "org_bench";
    await db.organization.create({ data: { id: orgId, name: "Bench", slug: "bench", keyPrefix: "kw", signingSecretEnc: "unused" } });
    const seedStart = performance.now();
    await (backend === "postgres" ? seedBenchKeysPostgres(db, orgId) : seedBenchKeys(db, orgId));
    const seeded = await db.apiKey.count({ where: { orgId } });
    expectSize(`keys-list (${backend}): keys seeded`, seeded, KEY_COUNT);
    console.log(`keys-list (${backend}): seeded ${seeded} keys in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const firstPage = parseKeyListParams({});
    const page = await listKeys(db, orgId, firstPage);
    console.log(`keys-list (${backend}): first page ${page.rows.length} rows; counts ${JSON.stringify(page.counts)}`);
    expectSize(`keys-list (${backend}): first page rows`, page.rows.length, KEY_PAGE_SIZE);
    expectSize(`keys-list (${backend}): all-status count`, page.counts.all, KEY_COUNT);
    expectSize(
      `keys-list (${backend}): active + expired + revoked`,
      page.counts.active + page.counts.expired + page.counts.revoked,
      KEY_COUNT,
    );

    const baselineSql =
      backend === "postgres" ? `SELECT * FROM "ApiKey" WHERE "orgId" = $1 LIMIT 50` : `SELECT * FROM ApiKey WHERE orgId = ? LIMIT 50`;
    expectSize(`keys-list (${backend}): baseline rows`, (await db.$queryRawUnsafe<unknown[]>(baselineSql, orgId)).length, BASELINE_ROWS);
    for (const params of [
      { q: "key 0421", status: "all" },
      { sort: "lastUsed", status: "all" },
    ]) {
      expectSize(
        `keys-list (${backend}): rows for ${JSON.stringify(params)}`,
        (await listKeys(db, orgId, parseKeyListParams(params))).rows.length,
        KEY_PAGE_SIZE,
      );
    }
    const baseline = await timeRuns(() => db.$queryRawUnsafe(baselineSql, orgId));
    const list = await timeRuns(() => listKeys(db, orgId, firstPage));
    const search = await timeRuns(() => listKeys(db, orgId, parseKeyListParams({ q: "key 0421", status: "all" })));
    const lastUsed = await timeRuns(() => listKeys(db, orgId, parseKeyListParams({ sort: "lastUsed", status: "all" })));

    return {
      backend: backend === "postgres" ? "PostgreSQL" : "SQLite",
      figures: {
        [BASELINE]: baseline,
        [FIRST_PAGE]: list,
        "listKeys: name search, all statuses": search,
        "listKeys: sort by last used, all statuses": lastUsed,
      },
    };
  } finally {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
    if (backend === "postgres") await dropDatabaseForce(pgAdmin!, pgName);
  }
}
