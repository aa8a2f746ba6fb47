import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { announceKeyChange, type KeyChange } from "../lib/api-keys/key-changes";
import { errorMessage } from "../lib/error-message";
import type { HttpTimeouts } from "../lib/http/limits";
import { log } from "../lib/log";

export interface NextThread {
  socketPath: string;
  /** Applies key changes the console has made so far; call before passing on any of its answers. */
  takeKeyChanges: () => void;
  close(): Promise<void>;
}

/**
 * Starts Next.js on a worker thread (server/next-worker.mjs), serving a Unix socket in a new private
 * directory, and relays its key changes to this thread's listeners (the verification cache). A change is
 * posted before the answer that reports it is written, so taking changes before relaying an answer means
 * no client can learn of a change the cache has not.
 */
export async function startNextThread(options: {
  dir: string;
  hostname: string;
  port: number;
  timeouts: HttpTimeouts;
}): Promise<NextThread> {
  const socketDir = mkdtempSync(path.join(tmpdir(), "keyward-next-"));
  const socketPath = path.join(socketDir, "next.sock");
  const { port1: changes, port2: changesForWorker } = new MessageChannel();
  changes.on("message", (change: KeyChange) => announceKeyChange(change));
  const worker = new Worker(new URL("./next-worker.mjs", import.meta.url), {
    workerData: { ...options, socketPath, keyChanges: changesForWorker },
    // V8 grows each thread's young generation up to 48 MB under allocation: the console's thread does not need
    // that throughput, and the cap kept ~25 MB of the server's RSS (bench/verify.ts) from ever being taken.
    resourceLimits: { maxYoungGenerationSizeMb: 12 },
    transferList: [changesForWorker],
  });
  const removeSocketDir = () => rmSync(socketDir, { recursive: true, force: true });
  process.once("exit", removeSocketDir);

  await new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the Next.js thread exited (${code}) before it was ready`)));
    worker.on("message", (m: { type: string }) => m.type === "ready" && resolve());
  });
  // From here on, a dead console thread is a dead server: exit and let the supervisor restart it.
  let closing = false;
  worker.removeAllListeners("exit");
  worker.removeAllListeners("error");
  worker.on("error", (error) => {
    log.fatal(`the Next.js thread failed: ${errorMessage(error)}`);
    process.exit(1);
  });
  worker.on("exit", (code) => {
    if (closing) return;
    log.fatal(`the Next.js thread exited (${code})`);
    process.exit(1);
  });

  return {
    socketPath,
    takeKeyChanges() {
      for (let m = receiveMessageOnPort(changes); m; m = receiveMessageOnPort(changes)) announceKeyChange(m.message as KeyChange);
    },
    async close() {
      closing = true;
      await new Promise<void>((resolve) => {
        worker.on("message", (m: { type: string }) => m.type === "closed" && resolve());
        worker.postMessage({ type: "close" });
        setTimeout(resolve, 2000).unref();
      });
      changes.close();
      await worker.terminate();
      removeSocketDir();
    },
  };
}
