import { Worker } from "node:worker_threads";
import { errorMessage } from "../error-message";
import type { UsageChunk } from "./event";
import { LAST_USE_EVERY_MS } from "./last-use";
import type { UsageBatchWriter } from "./write-batch";

/**
 * The database was merely in the way (SQLite's write lock held too long, a PostgreSQL deadlock or
 * serialization failure with another instance): the batch is retried on the next tick, and not reported.
 */
export function isBusy(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return code === "SQLITE_BUSY" || code === "40P01" || code === "40001";
}

type Pending = { resolve: (bytes: number) => void; reject: (error: Error) => void };

export type ThreadUsageWriter = UsageBatchWriter & {
  close(): Promise<void>;
  /** Writes the chunks to a new file at `path` (on the writer's thread); resolves with its size in bytes. */
  spill(path: string, chunks: readonly UsageChunk[]): Promise<number>;
  /** Writes the events of a file made by spill() as one batch, then deletes the file. */
  writeSpilled(path: string): Promise<void>;
  /** Deletes a file made by spill() without writing it (after the spill, whatever its progress). */
  discard(path: string): Promise<void>;
};

/**
 * Runs a usage writer on a worker thread (a script built on writer-thread-worker.mjs) and turns its messages
 * into promises: one per batch, resolved once the batch's transaction committed. Every per-event step after
 * the request thread pushed an event's fields, and every wait on the database, happen on that thread.
 */
export function threadUsageWriter(script: URL, workerData: Record<string, unknown>): ThreadUsageWriter {
  // A batch is a few MB of short-lived values: a small young generation (V8 would let it grow to 48 MB) holds it.
  const worker = new Worker(script, {
    workerData: { ...workerData, lastUseEveryMs: LAST_USE_EVERY_MS },
    resourceLimits: { maxYoungGenerationSizeMb: 6 },
  });
  worker.unref();
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | null = null;
  worker.on("message", (message: { type: string; id?: number; bytes?: number; error?: { message: string; code?: string } }) => {
    if (message.type !== "done" || message.id === undefined) return;
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (!waiting) return;
    if (message.error) waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    else waiting.resolve(message.bytes ?? 0);
  });
  worker.on("error", (error: unknown) => {
    // The thread is gone (it could not open the database, say): every write fails from now on, and never
    // as "busy", which would be retried forever.
    failure = new Error(`the usage writer thread stopped: ${errorMessage(error)}`);
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
  });

  function send(message: Record<string, unknown>): Promise<number> {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<number>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...message, id });
    });
  }

  return {
    async write(chunks: readonly UsageChunk[]) {
      await send({ type: "write", chunks });
    },
    spill: (path, chunks) => send({ type: "spill", path, chunks }),
    async writeSpilled(path) {
      await send({ type: "writeSpilled", path });
    },
    async discard(path) {
      await send({ type: "discard", path });
    },
    async close() {
      if (failure) return;
      worker.ref();
      await new Promise<void>((resolve) => {
        // Answers to earlier messages (spills made on the way out) may come first.
        const onMessage = (m: { type: string }) => {
          if (m.type !== "closed") return;
          worker.off("message", onMessage);
          resolve();
        };
        worker.on("message", onMessage);
        worker.postMessage({ type: "close" });
      });
      await worker.terminate();
    },
  };
}
