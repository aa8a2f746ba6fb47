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
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let closed = false;
  let worker: Worker | null = null;

  /**
   * A thread that stopped (it could not open the database yet, ran out of memory, hit a bug) fails what it held,
   * and the next batch starts a new one: the recorder retries failed batches with back-off, so a thread that keeps
   * stopping is restarted at most every couple of seconds, and one that stopped once does not lose the rest.
   */
  function stopped(thread: Worker, error: Error) {
    if (worker !== thread) return;
    worker = null;
    for (const waiting of pending.values()) waiting.reject(error);
    pending.clear();
  }

  function start(): Worker {
    // A batch is a few MB of short-lived values: a small young generation (V8 would let it grow to 48 MB) holds it.
    const thread = new Worker(script, {
      workerData: { ...workerData, lastUseEveryMs: LAST_USE_EVERY_MS },
      resourceLimits: { maxYoungGenerationSizeMb: 6 },
    });
    thread.unref();
    thread.on("message", (message: { type: string; id?: number; bytes?: number; error?: { message: string; code?: string } }) => {
      if (message.type !== "done" || message.id === undefined) return;
      const waiting = pending.get(message.id);
      pending.delete(message.id);
      if (!waiting) return;
      if (message.error) waiting.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
      else waiting.resolve(message.bytes ?? 0);
    });
    // Never reported as "busy", which the recorder would retry without back-off.
    thread.on("error", (error: unknown) => stopped(thread, new Error(`the usage writer thread stopped: ${errorMessage(error)}`)));
    thread.on("exit", (code) => stopped(thread, new Error(`the usage writer thread exited (code ${code})`)));
    return thread;
  }

  // Started at once, so a database it cannot open is reported with the first batch, not later.
  worker = start();

  function send(message: Record<string, unknown>): Promise<number> {
    if (closed) return Promise.reject(new Error("the usage writer is closed"));
    const thread = (worker ??= start());
    const id = nextId++;
    return new Promise<number>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      thread.postMessage({ ...message, id });
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
      closed = true;
      const thread = worker;
      if (!thread) return;
      thread.ref();
      await new Promise<void>((resolve) => {
        // Answers to earlier messages (spills made on the way out) may come first; a thread that stops instead
        // has failed them already.
        const onMessage = (m: { type: string }) => {
          if (m.type !== "closed") return;
          thread.off("message", onMessage);
          resolve();
        };
        thread.on("message", onMessage);
        thread.once("exit", () => resolve());
        thread.postMessage({ type: "close" });
      });
      worker = null;
      await thread.terminate();
    },
  };
}
