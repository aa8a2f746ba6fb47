// Keyward's HTTP server. POST /api/v1/keys/verify is answered here, on this thread: the hot path must not pay
// for the framework (see lib/verify/). Everything else — the console, the management API — goes to Next.js on
// a worker thread (server/next-thread.ts), with the client address worked out here from the socket (and
// trusted proxies) and passed along in a header no client can set.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import path from "node:path";
import { getDb } from "./lib/db/client";
import { assertDatabaseReady } from "./lib/db/health";
import { databaseUrl } from "./lib/db-url";
import { errorMessage } from "./lib/error-message";
import { CLIENT_IP_HEADER, SECURE_HEADER } from "./lib/http/request-meta";
import { clientAddress, isSecureRequest } from "./lib/http/client-address";
import { bodyLimitFor, httpTimeouts } from "./lib/http/limits";
import { log, routeConsoleToLog } from "./lib/log";
import { HttpStats, routeClassOf } from "./lib/metrics/http";
import { createMetricsRegistry } from "./lib/metrics/registry";
import { createVerifyService } from "./lib/verify/service";
import { startNextThread } from "./server/next-thread";
import { allowedMethods, isKnownMethod, refuseMethod } from "./server/methods";
import { createOpsRoutes } from "./server/ops-routes";
import { createLocalProxy } from "./server/proxy";
import { createReadiness } from "./server/readiness";
import { loggablePath, REQUEST_ID_HEADER, requestIdOf } from "./server/request-log";
import { answerDatabaseUnavailable } from "./server/unavailable";

const port = Number(process.env.PORT || 3000);
const hosts = (process.env.HOST || "127.0.0.1")
  .split(",")
  .map((h) => h.trim())
  .filter(Boolean);

// What libraries print (Prisma's warnings, say) comes out as log lines too.
routeConsoleToLog();

async function main() {
  // Before anything listens: an unreachable database or a schema behind the migrations stops here, named.
  await assertDatabaseReady(getDb(), databaseUrl(), process.cwd(), Number(process.env.DATABASE_CONNECT_TIMEOUT_MS || 5000));
  // Where this app's own protected routes (lib/client) send verifications, unless configured elsewhere.
  process.env.KEYWARD_VERIFY_URL ||= `http://${hosts[0].includes(":") ? `[${hosts[0]}]` : hosts[0]}:${port}/api/v1/keys/verify`;
  // Usage events the database cannot take (an outage) wait in memory, then in files under the data directory.
  const spillDir = path.join(process.env.KEYWARD_DATA_DIR?.trim() || "./data", "usage-spill");
  // The periodic jobs that write (expiry scan, usage pruning) run in the console's thread (instrumentation.ts): on
  // SQLite a write that meets another connection's lock waits synchronously, and here that would stop verification.
  const verify = await createVerifyService({ db: getDb(), url: databaseUrl(), usage: { spillDir }, detect: false, prune: false });
  const usage = () => verify.recorder.getStats();
  const http = new HttpStats();
  const registry = createMetricsRegistry({ http, outcomes: verify.outcomes, usage, cache: verify.cache });
  const readiness = createReadiness({ db: getDb(), url: databaseUrl(), usage });
  const metricsToken = process.env.KEYWARD_METRICS_TOKEN || undefined;
  const ops = createOpsRoutes({ readiness, registry, metricsToken });
  // One line per request only at debug: verify answers tens of thousands a second.
  const accessLog = log.isLevelEnabled("debug");
  const timeouts = httpTimeouts();
  const nextThread = await startNextThread({ dir: process.cwd(), hostname: hosts[0], port, timeouts });
  const handle = createLocalProxy({
    socketPath: nextThread.socketPath,
    beforeResponse: nextThread.takeKeyChanges,
    bodyLimit: (req) => bodyLimitFor(req.url),
    idleTimeoutMs: timeouts.upstreamIdleMs,
    allowFor: (path) => allowedMethods(nextThread.socketPath, path),
    // A page or route that failed because the database is gone says so (503, retry), not Next's generic 500.
    replaceServerError: { when: () => readiness.databaseDown(), replace: answerDatabaseUnavailable },
  });

  let closing = false;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // Every answer names its request, and the console's thread logs under the same id (server/next-worker.mjs).
    const id = requestIdOf(req);
    req.headers[REQUEST_ID_HEADER] = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    if (closing) res.setHeader("connection", "close");
    const secure = isSecureRequest(req);
    // Behind TLS the browser is told to come back only over TLS (two years, the preload lists' minimum is one).
    if (secure) res.setHeader("strict-transport-security", "max-age=63072000; includeSubDomains");
    const routeClass = verify.handles(req) ? "verify" : routeClassOf(req.url);
    http.track(
      res,
      routeClass,
      accessLog
        ? (ms) =>
            log.debug(
              { reqId: id, method: req.method, path: loggablePath(req.url), class: routeClass, status: res.statusCode, ms },
              "request",
            )
        : undefined,
    );
    if (routeClass === "verify") return verify.handle(req, res);
    if (routeClass === "health") return ops(req, res);
    // Next.js answers 500 to a method it does not know (TRACE, PROPFIND, …): they stop here.
    if (!isKnownMethod(req.method)) return refuseMethod(req, res, nextThread.socketPath);
    // A client must never choose these: they are how the server tells Next who is calling.
    delete req.headers[CLIENT_IP_HEADER];
    delete req.headers[SECURE_HEADER];
    req.headers[CLIENT_IP_HEADER] = clientAddress(req);
    if (secure) req.headers[SECURE_HEADER] = "1";
    handle(req, res);
  };

  // Slow clients (a body byte every few seconds) are cut: the whole request must arrive within requestMs.
  const serverOptions = {
    requestTimeout: timeouts.requestMs,
    headersTimeout: timeouts.headersMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: timeouts.checkEveryMs,
  };
  const servers = hosts.map((host) => createServer(serverOptions, onRequest).listen(port, host));
  // KEYWARD_METRICS_PORT: /metrics (only) on a listener of its own, e.g. reachable from the monitoring network only.
  if (process.env.KEYWARD_METRICS_PORT) {
    const metricsOnly = createOpsRoutes({ readiness, registry, metricsToken, metricsOpen: true });
    const metricsHost = process.env.KEYWARD_METRICS_HOST || "127.0.0.1";
    servers.push(
      createServer(serverOptions, (req, res) => metricsOnly(req, res, "/metrics")).listen(
        Number(process.env.KEYWARD_METRICS_PORT),
        metricsHost,
      ),
    );
  }
  await Promise.all(servers.map((s) => new Promise((resolve) => s.once("listening", resolve))));
  log.info(`Keyward ready on ${hosts.map((h) => `http://${h.includes(":") ? `[${h}]` : h}:${port}`).join(", ")}`);

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    readiness.close();
    log.info(`${signal}: shutting down`);
    const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of servers) s.closeIdleConnections();
    // Busy keep-alive connections get "Connection: close" on their next response; stragglers are cut after 2 s.
    const cut = setTimeout(() => servers.forEach((s) => s.closeAllConnections()), 2000);
    // Every usage event of an answered verification is written before the process exits.
    void Promise.all(closed)
      .then(() => {
        clearTimeout(cut);
        return nextThread.close();
      })
      .then(() => verify.close())
      .then((stats) => {
        log.info(stats, `usage: ${stats.answered} verifications answered, ${stats.written} events written, ${stats.buffered} unwritten`);
        process.exit(0);
      })
      .catch((error) => {
        log.error(errorMessage(error));
        process.exit(1);
      });
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  log.fatal(errorMessage(error));
  process.exit(1);
});
