import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import type { Readiness } from "./readiness";

const OPS_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);
const HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
};
const JSON_TYPE = "application/json; charset=utf-8";

export function isOpsRequest(req: IncomingMessage): boolean {
  return OPS_PATHS.has((req.url ?? "").split("?", 1)[0]);
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string, extra: Record<string, string> = {}) {
  req.resume();
  res.writeHead(status, { ...HEADERS, ...extra, "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}

function sendJson(req: IncomingMessage, res: ServerResponse, status: number, value: unknown, extra?: Record<string, string>) {
  send(req, res, status, JSON_TYPE, JSON.stringify(value), extra);
}

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Constant-time whatever the lengths: both sides are hashed to 32 bytes first. */
function tokenMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]), expected);
}

export interface OpsRoutesOptions {
  readiness: Readiness;
  registry: Registry;
  /**
   * KEYWARD_METRICS_TOKEN: /metrics asks for it as a bearer token. Unset, /metrics does not exist on this
   * listener (404) — unless `metricsOpen` (the separate KEYWARD_METRICS_PORT listener, without a token).
   */
  metricsToken?: string;
  metricsOpen?: boolean;
}

/** GET /healthz, /readyz and /metrics: answered on the server's thread, no session, no Next. */
export function createOpsRoutes({ readiness, registry, metricsToken, metricsOpen = false }: OpsRoutesOptions) {
  const expected = metricsToken ? digest(metricsToken) : null;

  async function metrics(req: IncomingMessage, res: ServerResponse) {
    if (!expected && !metricsOpen) return sendJson(req, res, 404, { error: { code: "NOT_FOUND", message: "Not found" } });
    if (expected && !tokenMatches(req.headers.authorization, expected)) {
      return sendJson(
        req,
        res,
        401,
        { error: { code: "UNAUTHORIZED", message: "Send Authorization: Bearer <KEYWARD_METRICS_TOKEN>" } },
        {
          "www-authenticate": 'Bearer realm="keyward-metrics"',
        },
      );
    }
    send(req, res, 200, registry.contentType, await registry.metrics());
  }

  async function ready(req: IncomingMessage, res: ServerResponse) {
    const report = await readiness.check();
    sendJson(req, res, report.ready ? 200 : 503, {
      status: report.ready ? "ready" : "not_ready",
      ...(report.reason ? { reason: report.reason } : {}),
      checks: report.checks,
      usageBacklog: report.usageBacklog,
    });
  }

  return function handleOps(req: IncomingMessage, res: ServerResponse, only?: "/metrics"): void {
    const path = (req.url ?? "").split("?", 1)[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendJson(req, res, 405, { error: { code: "METHOD_NOT_ALLOWED", message: "Use GET" } }, { allow: "GET, HEAD" });
    }
    if (only && path !== only) return sendJson(req, res, 404, { error: { code: "NOT_FOUND", message: "Not found" } });
    const answer =
      path === "/healthz"
        ? Promise.resolve(sendJson(req, res, 200, { status: "ok" }))
        : path === "/readyz"
          ? ready(req, res)
          : metrics(req, res);
    answer.catch(() => {
      if (!res.headersSent) sendJson(req, res, 500, { error: { code: "INTERNAL", message: "Check failed" } });
      else res.destroy();
    });
  };
}
