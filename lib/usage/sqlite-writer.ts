import { errorMessage } from "../error-message";
import { Worker } from "node:worker_threads";
import { sqliteFilePath } from "../db-url";
import type { UsageChunk } from "./event";
import { LAST_USE_EVERY_MS } from "./last-use";
import type { UsageBatchWriter } from "./write-batch";

/** SQLITE_BUSY: someone else held the write lock too long; the batch is retried on the next tick. */
export function isBusy(error: unknown): boolean {
  return (error as { code?: string })?.code === "SQLITE_BUSY";
}

type Pending = { resolve: () => void; reject: (error: Error) => void };

/**
 * Writes batches on a worker thread with its own better-sqlite3 connection, in one transaction each. On
 * SQLite a commit blocks until the disk confirms it, and every row costs CPU in the B-trees of its indexes:
 * both would otherwise stall every verification in flight.
 */
export function sqliteUsageWriter(url: string, busyTimeoutMs = 5000): UsageBatchWriter & { close(): Promise<void> } {
  const worker = new Worker(new URL("./sqlite-writer-worker.mjs", import.meta.url), {
    workerData: { file: sqliteFilePath(url), busyTimeoutMs, lastUseEveryMs: LAST_USE_EVERY_MS },
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
  worker.on("error", (error: unknown) => {
    // The thread is gone (it could not open the database, say): every write fails from now on, and never
    // as "busy", which would be retried forever.
    failure = new Error(`the usage writer thread stopped: ${errorMessage(error)}`);
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
  });

  return {
    write(chunks: readonly UsageChunk[]) {
      if (failure) return Promise.reject(failure);
      const id = nextId++;
      return new Promise<void>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: "write", id, chunks });
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
