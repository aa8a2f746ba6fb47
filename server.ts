// Keyward's HTTP server. POST /api/v1/keys/verify is answered here, on this thread: the hot path must not pay
// for the framework (see lib/verify/). Everything else — the console, the management API — goes to Next.js on
// a worker thread (server/next-thread.ts), with the client address worked out here from the socket (and
// trusted proxies) and passed along in a header no client can set.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { getDb } from "./lib/db/client";
import { assertDatabaseReady } from "./lib/db/health";
import { databaseUrl } from "./lib/db-url";
import { errorMessage } from "./lib/error-message";
import { CLIENT_IP_HEADER, SECURE_HEADER } from "./lib/http/request-meta";
import { clientAddress, isSecureRequest } from "./lib/http/client-address";
import { bodyLimitFor, httpTimeouts } from "./lib/http/limits";
import { createVerifyService } from "./lib/verify/service";
import { startNextThread } from "./server/next-thread";
import { allowedMethods, isKnownMethod, refuseMethod } from "./server/methods";
import { createLocalProxy } from "./server/proxy";

const port = Number(process.env.PORT || 3000);
const hosts = (process.env.HOST || "127.0.0.1")
  .split(",")
  .map((h) => h.trim())
  .filter(Boolean);

async function main() {
  // Before anything listens: an unreachable database or a schema behind the migrations stops here, named.
  await assertDatabaseReady(getDb(), databaseUrl(), process.cwd(), Number(process.env.DATABASE_CONNECT_TIMEOUT_MS || 5000));
  // Where this app's own protected routes (lib/client) send verifications, unless configured elsewhere.
  process.env.KEYWARD_VERIFY_URL ||= `http://${hosts[0].includes(":") ? `[${hosts[0]}]` : hosts[0]}:${port}/api/v1/keys/verify`;
  const verify = await createVerifyService({ db: getDb(), url: databaseUrl() });
  const timeouts = httpTimeouts();
  const nextThread = await startNextThread({ dir: process.cwd(), hostname: hosts[0], port, timeouts });
  const handle = createLocalProxy({
    socketPath: nextThread.socketPath,
    beforeResponse: nextThread.takeKeyChanges,
    bodyLimit: (req) => bodyLimitFor(req.url),
    idleTimeoutMs: timeouts.upstreamIdleMs,
    allowFor: (path) => allowedMethods(nextThread.socketPath, path),
  });

  let closing = false;
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    if (closing) res.setHeader("connection", "close");
    const secure = isSecureRequest(req);
    // Behind TLS the browser is told to come back only over TLS (two years, the preload lists' minimum is one).
    if (secure) res.setHeader("strict-transport-security", "max-age=63072000; includeSubDomains");
    if (verify.handles(req)) return verify.handle(req, res);
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
  await Promise.all(servers.map((s) => new Promise((resolve) => s.once("listening", resolve))));
  console.log(`Keyward ready on ${hosts.map((h) => `http://${h.includes(":") ? `[${h}]` : h}:${port}`).join(", ")}`);

  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: shutting down`);
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
        console.log(`usage: ${stats.answered} verifications answered, ${stats.written} events written, ${stats.buffered} unwritten`);
        process.exit(0);
      })
      .catch((error) => {
        console.error(errorMessage(error));
        process.exit(1);
      });
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(errorMessage(error));
  process.exit(1);
});
