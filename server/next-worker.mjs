// Next.js in a worker thread of Keyward's server (see server.ts). Next switches on AsyncLocalStorage, which
// on Node 20 runs bookkeeping for every async operation of its isolate — about a quarter of the verification
// path's throughput once the console had its first request. In a worker, that stays in this isolate.
// Serves HTTP on a Unix socket in a directory only this user can enter; the main thread proxies to it.
// Plain JavaScript: worker threads do not inherit the main thread's TypeScript loader, and this needs none.
import { AsyncLocalStorage } from "node:async_hooks";
import { EventEmitter } from "node:events";
import { createServer } from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import next from "next";
import { log, routeConsoleToLog } from "../lib/log/logger.mjs";

// Every line logged while a request is answered carries its id (lib/log/logger.mjs reads this context), Next's
// own error output included. This thread pays for async contexts anyway (see above); the main thread does not.
const requestContext = (globalThis.keywardRequestContext = new AsyncLocalStorage());
routeConsoleToLog(log);

// Key changes made here (console, management API) go to the main thread's verification cache. The name is
// the process-wide emitter of lib/api-keys/key-changes.ts, which Next's bundle of it picks up.
const changes = (globalThis.keywardKeyChanges ??= new EventEmitter().setMaxListeners(50));
changes.on("change", (change) => workerData.keyChanges.postMessage(change));

const app = next({ dev: false, dir: workerData.dir, hostname: workerData.hostname, port: workerData.port });
await app.prepare();
const handle = app.getRequestHandler();
// Only the main thread connects here, and it enforces the clients' time limits; these are a backstop a little
// longer than those, and the keep-alive outlives the proxy's idle sockets so a reused socket is never closing.
const { requestMs, headersMs } = workerData.timeouts;
const server = createServer(
  { requestTimeout: requestMs + 5_000, headersTimeout: headersMs + 5_000, keepAliveTimeout: 65_000 },
  // The main thread set x-request-id (server.ts), replacing anything a client sent that was not safe to log.
  (req, res) => requestContext.run({ reqId: req.headers["x-request-id"] }, () => void handle(req, res)),
);
server.listen(workerData.socketPath, () => parentPort.postMessage({ type: "ready" }));

parentPort.on("message", (message) => {
  if (message.type !== "close") return;
  server.close(() => {
    // Audit refusals still collapsed in memory (lib/audit-refusals.ts) are written before the thread ends, and the
    // background jobs (instrumentation.ts) stop, the dispatcher after the deliveries it has started.
    void Promise.all([
      Promise.resolve(globalThis.keywardFlushRefusals?.()).catch((error) =>
        log.error(`audit: writing collapsed refusals failed: ${error?.message ?? error}`),
      ),
      Promise.resolve(globalThis.keywardStopBackgroundJobs?.()).catch((error) =>
        log.error(`webhook dispatcher: stopping failed: ${error?.message ?? error}`),
      ),
    ]).finally(() => parentPort.postMessage({ type: "closed" }));
  });
  server.closeIdleConnections();
});
