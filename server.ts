// Keyward's HTTP server: the console through Next.js' request handler, with the client address worked out
// once from the socket (and trusted proxies) for every route.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import { CLIENT_IP_HEADER, SECURE_HEADER } from "./lib/http/request-meta";
import { clientAddress, isSecureRequest } from "./lib/http/client-address";

const port = Number(process.env.PORT || 3000);
const hosts = (process.env.HOST || "127.0.0.1").split(",").map((h) => h.trim()).filter(Boolean);

async function main() {
  const app = next({ dev: false, dir: process.cwd(), port, hostname: hosts[0] });
  await app.prepare();
  const handle = app.getRequestHandler();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    // A client must never choose these: they are how the server tells Next who is calling.
    delete req.headers[CLIENT_IP_HEADER];
    delete req.headers[SECURE_HEADER];
    req.headers[CLIENT_IP_HEADER] = clientAddress(req);
    if (isSecureRequest(req)) req.headers[SECURE_HEADER] = "1";
    void handle(req, res);
  };

  const servers = hosts.map((host) => createServer(onRequest).listen(port, host));
  await Promise.all(servers.map((s) => new Promise((resolve) => s.once("listening", resolve))));
  console.log(`Keyward ready on ${hosts.map((h) => `http://${h.includes(":") ? `[${h}]` : h}:${port}`).join(", ")}`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${signal}: shutting down`);
    const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    for (const s of servers) s.closeIdleConnections();
    void Promise.all(closed).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
