import { Worker } from "node:worker_threads";
import { sqliteFilePath } from "../db-url";
import type { UsageEventInput } from "./event";
import { ALLOWED_OUTCOME } from "./outcomes";
import { rollupsFromEvents } from "./rollup";
import type { UsageBatchWriter } from "./write-batch";

// Prisma's adapter stores DateTime as ISO-8601 text with "+00:00"; these rows must compare and sort alike.
const iso = (d: Date) => d.toISOString().replace("Z", "+00:00");

/** SQLITE_BUSY: someone else held the write lock too long; the batch is retried on the next tick. */
export function isBusy(error: unknown): boolean {
  return (error as { code?: string })?.code === "SQLITE_BUSY";
}

type Pending = { resolve: () => void; reject: (error: Error) => void };

/**
 * Writes batches on a worker thread with its own better-sqlite3 connection, in one transaction each. On
 * SQLite a commit blocks until the disk confirms it, and Prisma's engine spends tens of milliseconds of CPU
 * per 500-row batch: both would otherwise stall every verification in flight.
 */
export function sqliteUsageWriter(url: string, busyTimeoutMs = 5000): UsageBatchWriter & { close(): Promise<void> } {
  const worker = new Worker(new URL("./sqlite-writer-worker.mjs", import.meta.url), {
    workerData: { file: sqliteFilePath(url), busyTimeoutMs },
  });
  worker.unref();
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | null = null;
  worker.on("message", (message: { type: string; id?: number; error?: { message: string; code?: string } }) => {
    if (message.type !== "done" || message.id === undefined) return;
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (!waiting) return;
    if (message.error) waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    else waiting.resolve();
  });
  worker.on("error", (error) => {
    failure = error;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  });

  return {
    write(events) {
      if (failure) return Promise.reject(failure);
      const flat: (string | null)[] = [];
      const lastUse = new Map<string, UsageEventInput>();
      for (const e of events) {
        flat.push(e.orgId, e.keyId, iso(e.at), e.outcome, e.action, e.resource, e.ip, e.userAgent);
        if (e.outcome === ALLOWED_OUTCOME && e.keyId) {
          const seen = lastUse.get(e.keyId);
          if (!seen || seen.at.getTime() <= e.at.getTime()) lastUse.set(e.keyId, e);
        }
      }
      const rollups = rollupsFromEvents(events).flatMap((r) => [r.orgId, r.keyId, iso(r.hour), r.outcome, r.count]);
      const lastUses = [...lastUse.values()].flatMap((e) => [e.keyId, iso(e.at), e.ip, e.userAgent]);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: "write", id, events: flat, rollups, lastUses });
      });
    },
    async close() {
      if (failure) return;
      worker.ref();
      await new Promise<void>((resolve) => {
        worker.once("message", (m: { type: string }) => m.type === "closed" && resolve());
        worker.postMessage({ type: "close" });
      });
      await worker.terminate();
    },
  };
}
