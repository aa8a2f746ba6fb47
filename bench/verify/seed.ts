// 100,000 keys in one organization, hashed with its real signing secret, written straight to the database
// (SQLite: better-sqlite3 prepared statements; PostgreSQL: multi-row INSERTs) — through Prisma this alone
// took minutes.
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { sqliteTime } from "../../lib/db/sqlite-time.mjs";
import { newId } from "../../lib/ids";
import { generateSecret, hashSecret, newPublicId } from "../../lib/keys";
import { seal } from "../../lib/crypto/seal";

export const BENCH_PREFIX = "bn";
const CHUNK = 5000;

type Row = Record<string, string | number | Date | null>;
type Tables = Record<"Organization" | "ApiKey" | "KeySecret" | "KeyScope" | "KeyCidr", Row[]>;

export interface SeededKeys {
  orgId: string;
  /** Secrets of keys usable from 127.0.0.1 (case b). */
  open: string[];
  /** Secrets of keys allowed only from 10.0.0.0/8 (case d). */
  walled: string[];
  /** Secrets of keys under a generous rate limit and quota (case e). */
  limited: string[];
  /** Secrets of keys allowed 1 request a day: exhausted after their first (case f). */
  exhausted: string[];
}

export interface SeedCounts {
  total: number;
  open: number;
  walled: number;
  limited: number;
  exhausted: number;
}

const GENEROUS_LIMITS = JSON.stringify([
  { name: "burst", limit: 1_000_000_000, duration: 1000 },
  { name: "daily", limit: 1_000_000_000, duration: 86_400_000 },
]);
const ONE_A_DAY = JSON.stringify([{ name: "daily", limit: 1, duration: 86_400_000 }]);

/** The organization, then its keys chunk by chunk; `write` stores each batch of rows, table by table. */
async function seed(masterKey: Buffer, counts: SeedCounts, write: (tables: Partial<Tables>) => Promise<void>): Promise<SeededKeys> {
  const { total, open: openCount, walled: walledCount } = counts;
  const signingSecret = randomBytes(32);
  const orgId = newId("org");
  const now = new Date();
  await write({
    Organization: [
      {
        id: orgId,
        name: "Bench",
        slug: `bench-${orgId.slice(-6).toLowerCase()}`,
        keyPrefix: BENCH_PREFIX,
        signingSecretEnc: seal(masterKey, signingSecret),
        createdAt: now,
        keysVersion: 0,
      },
    ],
  });
  const open: string[] = [];
  const walled: string[] = [];
  const limited: string[] = [];
  const exhausted: string[] = [];
  const limitedFrom = openCount + walledCount;
  const exhaustedFrom = limitedFrom + counts.limited;
  const expiresAt = new Date(now.getTime() + 365 * 24 * 60 * 60 * 1000);
  for (let start = 0; start < total; start += CHUNK) {
    const tables: Tables = { Organization: [], ApiKey: [], KeySecret: [], KeyScope: [], KeyCidr: [] };
    for (let i = start; i < Math.min(total, start + CHUNK); i++) {
      const generated = generateSecret({ prefix: BENCH_PREFIX, env: "live" });
      const id = newPublicId("key");
      const isWalled = i >= openCount && i < openCount + walledCount;
      if (i < openCount) open.push(generated.secret);
      if (isWalled) walled.push(generated.secret);
      const isLimited = i >= limitedFrom && i < exhaustedFrom;
      const isExhausted = i >= exhaustedFrom && i < exhaustedFrom + counts.exhausted;
      if (isLimited) limited.push(generated.secret);
      if (isExhausted) exhausted.push(generated.secret);
      tables.ApiKey.push({
        id,
        orgId,
        name: `Service key ${i}`,
        displayPrefix: generated.displayPrefix,
        last4: generated.last4,
        createdAt: now,
        updatedAt: now,
        expiresAt: i % 3 ? expiresAt : null,
        // Every row has every column: a batch's columns are taken from its first row.
        rateLimits: isLimited ? GENEROUS_LIMITS : isExhausted ? ONE_A_DAY : "[]",
        quota: isLimited ? 1_000_000_000 : null,
        quotaSetAt: isLimited ? now : null,
      });
      tables.KeySecret.push({
        id: newId("sec"),
        keyId: id,
        secretHash: hashSecret(signingSecret, generated.secret),
        last4: generated.last4,
        createdAt: now,
      });
      tables.KeyScope.push({ id: newId("scp"), keyId: id, position: 0, action: "read", resourceFilter: "projects/**" });
      if (i % 2) tables.KeyScope.push({ id: newId("scp"), keyId: id, position: 1, action: "write", resourceFilter: "projects/web/*" });
      // The CIDR that shuts out the load generator (127.0.0.1) for case d; other keys mostly allow loopback.
      if (isWalled) tables.KeyCidr.push({ id: newId("cid"), keyId: id, cidr: "10.0.0.0/8", family: 4 });
      else if (i % 4 === 0)
        tables.KeyCidr.push(
          { id: newId("cid"), keyId: id, cidr: "127.0.0.0/8", family: 4 },
          { id: newId("cid"), keyId: id, cidr: "::1/128", family: 6 },
        );
    }
    await write(tables);
  }
  return { orgId, open, walled, limited, exhausted };
}

const sqliteValue = (v: Row[string]) => (v instanceof Date ? sqliteTime(v) : v);

export async function seedVerifyBench(file: string, masterKey: Buffer, counts: SeedCounts): Promise<SeededKeys> {
  const conn = new Database(file, { fileMustExist: true });
  try {
    return await seed(masterKey, counts, async (tables) => {
      conn.transaction(() => {
        for (const [table, rows] of Object.entries(tables)) {
          if (rows.length === 0) continue;
          const columns = Object.keys(rows[0]);
          const statement = conn.prepare(
            `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES (${columns.map(() => "?").join(", ")})`,
          );
          for (const row of rows) statement.run(...columns.map((c) => sqliteValue(row[c] ?? null)));
        }
      })();
    });
  } finally {
    conn.close();
  }
}

export async function seedVerifyBenchPostgres(url: string, masterKey: Buffer, counts: SeedCounts): Promise<SeededKeys> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await seed(masterKey, counts, async (tables) => {
      await client.query("BEGIN");
      for (const [table, rows] of Object.entries(tables)) {
        const columns = rows.length > 0 ? Object.keys(rows[0]) : [];
        // Rows of one table share their columns except the nullable ones; fill those with null.
        for (let at = 0; at < rows.length; at += 1000) {
          const batch = rows.slice(at, at + 1000);
          const values: unknown[] = [];
          const tuples = batch.map((row) => `(${columns.map((c) => `$${values.push(row[c] ?? null)}`).join(", ")})`);
          await client.query(`INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) VALUES ${tuples.join(", ")}`, values);
        }
      }
      await client.query("COMMIT");
    });
  } finally {
    await client.end();
  }
}
