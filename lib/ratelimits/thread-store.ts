import { Worker } from "node:worker_threads";
import { providerOf, sqliteFilePath } from "../db-url";
import { errorMessage } from "../error-message";
import type { CounterStore } from "./store";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * The counters through a worker thread with its own connection (better-sqlite3 or `pg`): the request thread
 * posts one flat array per sync and gets the sums back, so neither a SQLite commit nor building a PostgreSQL
 * statement takes time from the verifications it answers.
 */
export function threadCounterStore(url: string): CounterStore & { close(): Promise<void> } {
  const provider = providerOf(url);
  const worker = new Worker(new URL("./counter-worker.mjs", import.meta.url), {
    workerData: provider === "sqlite" ? { provider, file: sqliteFilePath(url) } : { provider, url },
    resourceLimits: { maxYoungGenerationSizeMb: 6 },
  });
  worker.unref();
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let failure: Error | null = null;
  worker.on("message", (message: { type: string; id?: number; result?: unknown; error?: { message: string; code?: string } }) => {
    if (message.type !== "done" || message.id === undefined) return;
    const waiting = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiting?.reject(Object.assign(new Error(message.error.message), { code: message.error.code }));
    else waiting?.resolve(message.result);
  });
  worker.on("error", (error: unknown) => {
    failure = new Error(`the rate-limit counter thread stopped: ${errorMessage(error)}`);
    for (const waiting of pending.values()) waiting.reject(failure);
    pending.clear();
  });

  function send<T>(message: Record<string, unknown>): Promise<T> {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...message, id });
    });
  }

  return {
    add: (rows) => send<number[]>({ type: "add", rows: rows.flatMap((r) => [r.keyId, r.bucket, r.delta, r.expiresAt]) }),
    async read(keyId, buckets) {
      const counts = await send<number[]>({ type: "read", keyId, buckets });
      return new Map(buckets.map((bucket, i) => [bucket, counts[i]]));
    },
    prune: (now) => send<void>({ type: "prune", now }),
    async close() {
      if (failure) return;
      worker.ref();
      await new Promise<void>((resolve) => {
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
