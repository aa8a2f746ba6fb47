// The API Keys page's server-side data query (first page + status counts) with 100,000 keys in one
// organization, next to a plain 50-row SELECT on the same table measured in the same run.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { createDb, type Db } from "../lib/db/client";
import { listKeys, parseKeyListParams } from "../lib/queries/keys";

const KEY_COUNT = 100_000;
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

export async function benchKeysList(): Promise<void> {
  process.env.KEYWARD_MASTER_KEY ??= randomBytes(32).toString("hex");
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-bench-keys-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  const migrated = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate"], {
    env: { ...process.env, DATABASE_URL: url, KEYWARD_QUIET: "1" },
    encoding: "utf8",
  });
  if (migrated.status !== 0) throw new Error(`migrating the bench database failed:\n${migrated.stdout}${migrated.stderr}`);
  // listKeys asks dbProvider() (from DATABASE_URL) whether search needs Postgres' insensitive mode.
  const previousUrl = process.env.DATABASE_URL;
  process.env.DATABASE_URL = url;
  const db = createDb(url);
  try {
    const orgId = "org_bench";
    await db.organization.create({ data: { id: orgId, name: "Bench", slug: "bench", keyPrefix: "kw", signingSecretEnc: "unused" } });
    const seedStart = performance.now();
    await seedBenchKeys(db, orgId);
    const seeded = await db.apiKey.count({ where: { orgId } });
    console.log(`keys-list: seeded ${seeded} keys in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const indexes = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'ApiKey'`);
    if (!indexes.some((i) => i.name === "ApiKey_orgId_revokedAt_createdAt_idx")) {
      console.log("keys-list: note: index ApiKey(orgId, revokedAt, createdAt) is missing; migrate the schema to measure the list as shipped");
    }
    const firstPage = parseKeyListParams({});
    const page = await listKeys(db, orgId, firstPage);
    console.log(`keys-list: first page ${page.rows.length} rows; counts ${JSON.stringify(page.counts)}`);

    const baseline = await timeRuns(() => db.$queryRawUnsafe(`SELECT * FROM ApiKey WHERE orgId = ? LIMIT 50`, orgId));
    const list = await timeRuns(() => listKeys(db, orgId, firstPage));
    const search = await timeRuns(() => listKeys(db, orgId, parseKeyListParams({ q: "key 0421", status: "all" })));
    const lastUsed = await timeRuns(() => listKeys(db, orgId, parseKeyListParams({ sort: "lastUsed", status: "all" })));

    const row = (label: string, ms: number) =>
      `  ${label.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms   ${(ms / baseline).toFixed(1).padStart(6)}x baseline`;
    console.log(`keys-list (median of ${RUNS} runs, ${KEY_COUNT} keys, SQLite):`);
    console.log(row("plain SELECT 50 rows (baseline)", baseline));
    console.log(row("listKeys: first page + status counts", list));
    console.log(row("listKeys: name search, all statuses", search));
    console.log(row("listKeys: sort by last used, all statuses", lastUsed));
    console.log(`  target: first page + counts <= ${TARGET_MS} ms -> ${list <= TARGET_MS ? "met" : "MISSED"}`);
  } finally {
    await db.$disconnect();
    if (previousUrl === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = previousUrl;
    rmSync(dir, { recursive: true, force: true });
  }
}
