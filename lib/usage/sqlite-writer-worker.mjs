// The SQLite usage writer's thread (see sqlite-writer.ts). Plain JavaScript so it loads the same way under
// tsx, Vitest and plain Node. A commit waits for the disk (fsync); doing it here keeps that wait — and any
// wait for the write lock — off the thread that answers verifications, along with every per-event step
// after the request thread pushed the event's fields.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

// Must match lib/usage/event.ts (EVENT_FIELDS and the field order); a batch arrives as chunks of events.
const FIELDS = 8;
// A key's last use is rewritten at most this often while it comes from the same address and user agent.
const LAST_USE_EVERY_MS = workerData.lastUseEveryMs;

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

// Prisma's adapter stores DateTime as ISO-8601 text with "+00:00"; these rows must compare and sort alike.
const iso = (ms) => new Date(ms).toISOString().replace("Z", "+00:00");

/** keyId → the last use this writer stored for it: most uses are not news, and need no look at the row. */
const stored = new Map();

/** The latest allowed use of each key in the batch, where it may be news (see touchKey). */
function lastUses(chunks) {
  const latest = new Map();
  for (const events of chunks) {
    for (let i = 0; i < events.length; i += FIELDS) {
      const keyId = events[i + 1];
      if (events[i + 3] !== "OK" /* ALLOWED_OUTCOME */ || !keyId) continue;
      const seen = latest.get(keyId);
      if (!seen || seen.at <= events[i + 2]) latest.set(keyId, { keyId, at: events[i + 2], ip: events[i + 6], userAgent: events[i + 7] });
    }
  }
  const news = [];
  for (const use of latest.values()) {
    const prev = stored.get(use.keyId);
    if (prev && use.at - prev.at < LAST_USE_EVERY_MS && use.ip === prev.ip && use.userAgent === prev.userAgent) continue;
    news.push(use);
  }
  return news;
}

const write = conn.transaction((chunks, uses) => {
  let first = null;
  let last = null;
  for (const events of chunks) {
    for (let i = 0; i < events.length; i += FIELDS) {
      const { lastInsertRowid } = insertEvent.run(
        events[i],
        events[i + 1],
        iso(events[i + 2]),
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
    touchKey.run({ keyId: use.keyId, at: iso(use.at), staleBefore: iso(use.at - LAST_USE_EVERY_MS), ip: use.ip, userAgent: use.userAgent });
  }
});

parentPort.on("message", (message) => {
  if (message.type === "close") {
    conn.close();
    parentPort.postMessage({ type: "closed" });
    return;
  }
  try {
    const uses = lastUses(message.chunks);
    write.immediate(message.chunks, uses);
    // Bounded: forgetting only means one more look at a row.
    if (stored.size > 100_000) stored.clear();
    for (const use of uses) stored.set(use.keyId, use);
    parentPort.postMessage({ type: "done", id: message.id });
  } catch (error) {
    parentPort.postMessage({ type: "done", id: message.id, error: { message: error?.message ?? String(error), code: error?.code } });
  }
});
