// The rate-limit counters' database side, on a thread of its own (see thread-store.ts): the request thread only
// posts flat arrays and reads sums back. Plain JavaScript so it loads the same way under tsx, Vitest and Node.
// Rows are taken in (keyId, bucket) order, so two instances' batches never wait on each other in a cycle.
import { parentPort, workerData } from "node:worker_threads";

const ROW = 4;

function sortedRows(flat) {
  const rows = [];
  for (let i = 0; i < flat.length; i += ROW)
    rows.push({ i: i / ROW, keyId: flat[i], bucket: flat[i + 1], delta: flat[i + 2], expiresAt: flat[i + 3] });
  return rows.sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.bucket < b.bucket ? -1 : a.bucket > b.bucket ? 1 : 0));
}

async function sqliteStore(file) {
  const { default: Database } = await import("better-sqlite3");
  const conn = new Database(file, { fileMustExist: true, timeout: 5000 });
  // WAL (set by the migrations): NORMAL syncs at checkpoints. A power cut may lose the last counts, never the file.
  if (conn.pragma("journal_mode", { simple: true }) === "wal") conn.pragma("synchronous = NORMAL");
  const upsert = conn
    .prepare(
      `INSERT INTO "RateLimitCounter" ("keyId", "bucket", "count", "expiresAt") VALUES (?, ?, ?, ?)
       ON CONFLICT ("keyId", "bucket") DO UPDATE SET "count" = "RateLimitCounter"."count" + excluded."count" RETURNING "count"`,
    )
    .pluck();
  const select = conn.prepare(`SELECT "count" FROM "RateLimitCounter" WHERE "keyId" = ? AND "bucket" = ?`).pluck();
  const remove = conn.prepare(`DELETE FROM "RateLimitCounter" WHERE "expiresAt" < ?`);
  const addAll = conn.transaction((flat) => {
    const counts = new Array(flat.length / ROW);
    for (const r of sortedRows(flat)) counts[r.i] = Number(upsert.get(r.keyId, r.bucket, r.delta, r.expiresAt));
    return counts;
  });
  return {
    add: (flat) => addAll(flat),
    read: (keyId, buckets) => buckets.map((bucket) => Number(select.get(keyId, bucket) ?? 0)),
    prune: (now) => void remove.run(now),
    close: () => conn.close(),
  };
}

async function postgresStore(url) {
  const { default: pg } = await import("pg");
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: "keyward-ratelimits" });
  // A connection the server drops while idle is replaced by the next query.
  pool.on("error", () => {});
  return {
    async add(flat) {
      const rows = sortedRows(flat);
      // One statement per batch, its rows as arrays; each row an atomic increment that returns the sum.
      const { rows: result } = await pool.query(
        `INSERT INTO "RateLimitCounter" ("keyId", "bucket", "count", "expiresAt")
         SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])
         ON CONFLICT ("keyId", "bucket") DO UPDATE SET "count" = "RateLimitCounter"."count" + excluded."count"
         RETURNING "keyId", "bucket", "count"`,
        [rows.map((r) => r.keyId), rows.map((r) => r.bucket), rows.map((r) => r.delta), rows.map((r) => r.expiresAt)],
      );
      const sums = new Map(result.map((r) => [`${r.keyId}\n${r.bucket}`, Number(r.count)]));
      const counts = new Array(rows.length);
      for (const r of rows) counts[r.i] = sums.get(`${r.keyId}\n${r.bucket}`) ?? 0;
      return counts;
    },
    async read(keyId, buckets) {
      const { rows } = await pool.query(
        `SELECT "bucket", "count" FROM "RateLimitCounter" WHERE "keyId" = $1 AND "bucket" = ANY($2::text[])`,
        [keyId, buckets],
      );
      const sums = new Map(rows.map((r) => [r.bucket, Number(r.count)]));
      return buckets.map((bucket) => sums.get(bucket) ?? 0);
    },
    async prune(now) {
      await pool.query(`DELETE FROM "RateLimitCounter" WHERE "expiresAt" < $1`, [now]);
    },
    close: () => pool.end(),
  };
}

const store = workerData.provider === "sqlite" ? await sqliteStore(workerData.file) : await postgresStore(workerData.url);

async function answer(message) {
  if (message.type === "close") {
    await store.close();
    parentPort.postMessage({ type: "closed" });
    return;
  }
  try {
    const result =
      message.type === "add"
        ? await store.add(message.rows)
        : message.type === "read"
          ? await store.read(message.keyId, message.buckets)
          : await store.prune(message.now);
    parentPort.postMessage({ type: "done", id: message.id, result });
  } catch (error) {
    parentPort.postMessage({ type: "done", id: message.id, error: { message: String(error?.message ?? error), code: error?.code } });
  }
}

parentPort.on("message", (message) => void answer(message));
