// The SQLite usage writer's thread (see sqlite-writer.ts). Plain JavaScript so it loads the same way under
// tsx, Vitest and plain Node. A commit waits for the disk (fsync); doing it here keeps that wait — and any
// wait for the write lock — off the thread that answers verifications.
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const conn = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
const insertEvent = conn.prepare(
  `INSERT INTO "UsageEvent" ("orgId", "keyId", "at", "outcome", "action", "resource", "ip", "userAgent") VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);
const upsertRollup = conn.prepare(
  `INSERT INTO "UsageRollup" ("orgId", "keyId", "hour", "outcome", "count") VALUES (?, ?, ?, ?, ?)
   ON CONFLICT ("orgId", "keyId", "hour", "outcome") DO UPDATE SET "count" = "UsageRollup"."count" + excluded."count"`,
);
const touchKey = conn.prepare(
  `UPDATE "ApiKey" SET "lastUsedAt" = ?, "lastUsedIp" = ?, "lastUsedUserAgent" = ? WHERE "id" = ? AND ("lastUsedAt" IS NULL OR "lastUsedAt" < ?)`,
);

// Rows arrive as flat arrays of column values, in statement order: cheap to post between threads.
const write = conn.transaction((events, rollups, lastUses) => {
  for (let i = 0; i < events.length; i += 8) {
    insertEvent.run(events[i], events[i + 1], events[i + 2], events[i + 3], events[i + 4], events[i + 5], events[i + 6], events[i + 7]);
  }
  for (let i = 0; i < rollups.length; i += 5) upsertRollup.run(rollups[i], rollups[i + 1], rollups[i + 2], rollups[i + 3], rollups[i + 4]);
  for (let i = 0; i < lastUses.length; i += 4) touchKey.run(lastUses[i + 1], lastUses[i + 2], lastUses[i + 3], lastUses[i], lastUses[i + 1]);
});

parentPort.on("message", (message) => {
  if (message.type === "close") {
    conn.close();
    parentPort.postMessage({ type: "closed" });
    return;
  }
  try {
    write.immediate(message.events, message.rollups, message.lastUses);
    parentPort.postMessage({ type: "done", id: message.id });
  } catch (error) {
    parentPort.postMessage({ type: "done", id: message.id, error: { message: error?.message ?? String(error), code: error?.code } });
  }
});
