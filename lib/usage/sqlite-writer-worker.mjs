// The SQLite usage writer's thread (see sqlite-writer.ts). Plain JavaScript so it loads the same way under
// tsx, Vitest and plain Node. A commit waits for the disk (fsync); doing it here keeps that wait — and any
// wait for the write lock — off the thread that answers verifications, along with every per-event step
// after the request thread pushed the event's fields.
import { workerData } from "node:worker_threads";
import Database from "better-sqlite3";
import { sqliteTime } from "../db/sqlite-time.mjs";
import { sqliteDetection } from "./detect-sql.mjs";
import { detectSync } from "./detect-worker.mjs";
import { FIELDS, LAST_USE_EVERY_MS, lastUses, rememberLastUses, serveBatches } from "./writer-thread-worker.mjs";

const conn = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
// The file is in WAL mode (set by the migrations): NORMAL syncs at checkpoints, not at every commit. A power
// cut may lose the last batches, never corrupt the file; a stopped process loses nothing.
if (conn.pragma("journal_mode", { simple: true }) === "wal") conn.pragma("synchronous = NORMAL");
// Checkpoint every ~40 MB of log instead of ~4 MB: an index page changed by many batches is copied back once.
conn.pragma("wal_autocheckpoint = 10000");
conn.pragma("journal_size_limit = 67108864");
const insertEvent = conn.prepare(
  `INSERT INTO "UsageEvent" ("orgId", "keyId", "at", "outcome", "action", "resource", "ip", "userAgent") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);
// The hourly rollups are counted from the very rows just inserted (ids are consecutive inside the write
// transaction), so a rollup's count is its raw events' count by construction. Counts are added, never
// overwritten: several processes may flush into the same hour.
const rollUp = conn.prepare(
  `INSERT INTO "UsageRollup" ("orgId", "keyId", "hour", "outcome", "count")
   SELECT "orgId", "keyId", strftime('%Y-%m-%dT%H:00:00.000+00:00', "at"), "outcome", COUNT(*) FROM "UsageEvent"
   WHERE "id" BETWEEN ? AND ? GROUP BY 1, 2, 3, 4
   ON CONFLICT ("orgId", "keyId", "hour", "outcome") DO UPDATE SET "count" = "UsageRollup"."count" + excluded."count"`,
);
// Only news is written: a use newer than the stored one by LAST_USE_EVERY_MS, or from another address or user
// agent; the lastUsedAt guard also keeps an older batch (from another process) from overwriting a newer use.
const touchKey = conn.prepare(
  `UPDATE "ApiKey" SET "lastUsedAt" = :at, "lastUsedIp" = :ip, "lastUsedUserAgent" = :userAgent
   WHERE "id" = :keyId AND ("lastUsedAt" IS NULL OR "lastUsedAt" < :staleBefore
     OR ("lastUsedAt" < :at AND ("lastUsedIp" IS NOT :ip OR "lastUsedUserAgent" IS NOT :userAgent)))`,
);

// Detection statements (detect-sql.mjs), prepared once each.
const prepared = new Map();
const executeDetection = sqliteDetection((text, values, mode) => {
  let statement = prepared.get(text);
  if (!statement) prepared.set(text, (statement = conn.prepare(text)));
  return mode === "all" ? statement.all(...values) : statement.run(...values);
});

const write = conn.transaction((chunks, uses) => {
  let first = null;
  let last = null;
  for (const events of chunks) {
    for (let i = 0; i < events.length; i += FIELDS) {
      const { lastInsertRowid } = insertEvent.run(
        events[i],
        events[i + 1],
        sqliteTime(events[i + 2]),
        events[i + 3],
        events[i + 4],
        events[i + 5],
        events[i + 6],
        events[i + 7],
      );
      first ??= lastInsertRowid;
      last = lastInsertRowid;
    }
  }
  if (first !== null) rollUp.run(first, last);
  for (const use of uses) {
    touchKey.run({
      keyId: use.keyId,
      at: sqliteTime(use.at),
      staleBefore: sqliteTime(use.at - LAST_USE_EVERY_MS),
      ip: use.ip,
      userAgent: use.userAgent,
    });
  }
  return detectSync(chunks, executeDetection);
});

serveBatches({
  write(chunks) {
    const uses = lastUses(chunks);
    const detected = write.immediate(chunks, uses);
    rememberLastUses(uses);
    detected.remember();
  },
  close() {
    conn.close();
  },
});
