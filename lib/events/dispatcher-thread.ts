import { Worker } from "node:worker_threads";
import { log } from "../log";

// The outbox dispatcher (dispatcher.ts) runs on a worker thread of its own, not on the main thread beside the
// verification path nor in the console's thread: its Prisma queries, JSON and HMAC work and its waits on slow
// receivers never take time from verifications, and a console restart of Next's thread does not stop deliveries.
// One per process; several processes on one PostgreSQL database share the work (row locks, SKIP LOCKED).
export function startDispatcherThread(): { close(): Promise<void> } {
  // KEYWARD_DISPATCH=0: this instance sends nothing (another instance does, or a test needs the tables still).
  if (process.env.KEYWARD_DISPATCH === "0") return { close: () => Promise.resolve() };
  // Small young generation, as for the usage writer: the thread's garbage is small and short-lived.
  const worker = new Worker(new URL("./dispatcher-worker.mjs", import.meta.url), { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  worker.unref();
  worker.on("error", (error) => log.error(`webhook dispatcher thread stopped: ${error.message}`));
  return {
    close: () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), 5_000);
        worker.on("message", (message: { type?: string }) => {
          if (message?.type !== "closed") return;
          clearTimeout(timer);
          void worker.terminate().then(() => resolve());
        });
        worker.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage({ type: "close" });
      }),
  };
}
