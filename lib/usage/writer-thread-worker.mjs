// What both usage writer threads (sqlite-writer-worker.mjs, postgres-writer-worker.mjs) share: the batch
// layout, the last-use rule and the message loop with writer-thread.ts. Plain JavaScript so it loads the same
// way under tsx, Vitest and plain Node.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

// Must match lib/usage/event.ts (EVENT_FIELDS and the field order); a batch arrives as chunks of events:
// orgId, keyId, at (epoch ms), outcome, action, resource, ip, userAgent.
export const FIELDS = 8;
const ALLOWED_OUTCOME = "OK";
const HOUR_MS = 3_600_000;
// A key's last use is rewritten at most this often while it comes from the same address and user agent.
export const LAST_USE_EVERY_MS = workerData.lastUseEveryMs;

/** keyId → the last use this writer stored for it: most uses are not news, and need no look at the row. */
const stored = new Map();

/**
 * The latest allowed use of each key in the batch, where it may be news: newer than what this writer stored
 * by LAST_USE_EVERY_MS, or from another address or user agent. The database applies the same rule against the
 * row, which also covers other processes' writes.
 */
export function lastUses(chunks) {
  const latest = new Map();
  for (const events of chunks) {
    for (let i = 0; i < events.length; i += FIELDS) {
      const keyId = events[i + 1];
      if (events[i + 3] !== ALLOWED_OUTCOME || !keyId) continue;
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

/** After the batch holding `uses` committed. Bounded: forgetting only means one more look at a row. */
export function rememberLastUses(uses) {
  if (stored.size > 100_000) stored.clear();
  for (const use of uses) stored.set(use.keyId, use);
}

/**
 * One row per (org, key, UTC hour, outcome) with its number of events, in primary-key order: two instances
 * adding to the same rows then lock them in the same order and cannot deadlock on them.
 */
export function hourlyRollups(chunks) {
  const rows = new Map();
  for (const events of chunks) {
    for (let i = 0; i < events.length; i += FIELDS) {
      const hour = events[i + 2] - (events[i + 2] % HOUR_MS);
      const id = `${events[i]}\u0000${events[i + 1]}\u0000${hour}\u0000${events[i + 3]}`;
      const row = rows.get(id);
      if (row) row.count += 1;
      else rows.set(id, { orgId: events[i], keyId: events[i + 1], hour, outcome: events[i + 3], count: 1 });
    }
  }
  const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows.values()].sort((a, b) => cmp(a.orgId, b.orgId) || cmp(a.keyId, b.keyId) || a.hour - b.hour || cmp(a.outcome, b.outcome));
}

/**
 * Answers writer-thread.ts: `write(chunks)` commits one batch (and may be async), `close()` releases the
 * connection. One message at a time, in order.
 */
export function serveBatches({ write, close }) {
  let queue = Promise.resolve();
  parentPort.on("message", (message) => {
    queue = queue.then(async () => {
      if (message.type === "close") {
        await close();
        parentPort.postMessage({ type: "closed" });
        return;
      }
      try {
        if (message.type === "spill") {
          // Events the database cannot take yet, kept on disk (under the data directory) instead of in memory.
          const text = JSON.stringify(message.chunks);
          writeFileSync(message.path, text, { flag: "wx" });
          parentPort.postMessage({ type: "done", id: message.id, bytes: Buffer.byteLength(text) });
          return;
        }
        if (message.type === "discard") {
          // A spill file dropped past the bound; after its own "spill" message, so it exists by now (or never will).
          try {
            unlinkSync(message.path);
          } catch (error) {
            if (error?.code !== "ENOENT") throw error;
          }
          parentPort.postMessage({ type: "done", id: message.id });
          return;
        }
        if (message.type === "writeSpilled") {
          // Read here, not on the request thread: the backlog of an outage must not slow verifications down.
          await write(JSON.parse(readFileSync(message.path, "utf8")));
          unlinkSync(message.path);
          parentPort.postMessage({ type: "done", id: message.id });
          return;
        }
        await write(message.chunks);
        parentPort.postMessage({ type: "done", id: message.id });
      } catch (error) {
        parentPort.postMessage({ type: "done", id: message.id, error: { message: error?.message ?? String(error), code: error?.code } });
      }
    });
  });
}
