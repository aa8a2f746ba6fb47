import type { IncomingMessage, ServerResponse } from "node:http";
import { answerBeforeBody } from "../http/answer-before-body";
import { clientAddress } from "../http/client-address";
import { SECRET_IN_URL, SECRET_IN_URL_MESSAGE, urlHoldsSecret } from "../http/secret-in-url";
import { DatabaseUnavailableError } from "../db/unavailable";
import { log } from "../log";
import { repeatedFailure } from "../log/repeated";
import type { UsageRecorder } from "../usage/recorder";
import { USAGE_USER_AGENT_MAX } from "../usage/event";
import { currentTime } from "./clock";
import { parseVerifyBody, VERIFY_BODY_MAX_BYTES, type VerifyBody } from "./request";
import type { Verifier, VerifyResult } from "./verifier";

export const VERIFY_PATH = "/api/v1/keys/verify";

/** Seconds a client is told to wait before it retries a verification the database could not confirm. */
export const VERIFY_RETRY_AFTER_S = 1;

// The console's headers (next.config.mjs) as they apply to JSON — a CSP that allows nothing, since nothing
// here is ever rendered — plus no-store: a verdict must never be cached.
const BASE_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
} as const;

const QUESTION_MARK = 63;
const JSON_TYPE = "application/json";

// Media types are case-insensitive and may carry parameters; what every client sends matches at the first test.
function isJsonType(type: string | undefined): boolean {
  if (type === JSON_TYPE) return true;
  if (type === undefined) return false;
  const lower = type.toLowerCase();
  return lower.startsWith(JSON_TYPE) && /^[ \t]*(;|$)/.test(lower.slice(JSON_TYPE.length));
}

export function isVerifyRequest(req: IncomingMessage): boolean {
  const url = req.url ?? "";
  return url === VERIFY_PATH || (url.startsWith(VERIFY_PATH) && url.charCodeAt(VERIFY_PATH.length) === QUESTION_MARK);
}

const BASE_HEADER_LIST = Object.entries(BASE_HEADERS).flat();

function send(res: ServerResponse, status: number, body: string, extra?: Record<string, string>) {
  // A flat [name, value, …] list: no object to build and walk per response.
  const headers = BASE_HEADER_LIST.concat("content-length", String(Buffer.byteLength(body)));
  if (extra) headers.push(...Object.entries(extra).flat());
  res.writeHead(status, headers);
  res.end(body);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, extra?: Record<string, string>) {
  send(res, status, JSON.stringify({ error: { code, message } }), extra);
}

function bearer(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const match = /^Bearer +(\S+) *$/i.exec(header);
  return match ? match[1] : "";
}

export interface VerifyHandlerDeps {
  verifier: Verifier;
  recorder: UsageRecorder;
  clientIp?: (req: IncomingMessage) => string;
  /** The clock each verification is decided at (default: the current time); tests pass one they control. */
  clock?: () => Date;
  /** Called with each answered verification (after its usage event is buffered). */
  onAnswered?: (result: VerifyResult) => void;
  /** Called with each verification that waits on the database, settled once it was answered (or failed). */
  onPending?: (answered: Promise<void>) => void;
  /** Called after a NOT_FOUND has been sent (the canary watch looks there, never before the answer). */
  onNotFound?: (seen: {
    key: string;
    ip: string;
    userAgent: string | null;
    action: string | null;
    resource: string | null;
    at: Date;
  }) => void;
}

/**
 * POST /api/v1/keys/verify, served straight from node:http: read at most VERIFY_BODY_MAX_BYTES, verify,
 * buffer the usage event, answer. No framework, no database round trip on a cache hit.
 */
export function createVerifyHandler(deps: VerifyHandlerDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const clientIp = deps.clientIp ?? clientAddress;
  const clock = deps.clock ?? currentTime;
  // During an outage every verification that needs a read fails alike: one line per interval, not per request.
  const unavailable = repeatedFailure("verify: confirming a key (database unavailable)");

  function record(result: VerifyResult, body: VerifyBody, ip: string, userAgent: string | null, at: Date) {
    deps.recorder.record({
      orgId: result.orgId,
      keyId: result.keyId,
      at,
      outcome: result.outcome,
      action: body.action ?? null,
      resource: body.resource ?? null,
      ip,
      userAgent,
    });
  }

  function finish(res: ServerResponse, result: VerifyResult, body: VerifyBody, ip: string, userAgent: string | null, at: Date) {
    record(result, body, ip, userAgent, at);
    send(res, 200, result.body);
    deps.onAnswered?.(result);
    if (result.outcome === "NOT_FOUND")
      deps.onNotFound?.({ key: body.key, ip, userAgent, action: body.action ?? null, resource: body.resource ?? null, at });
  }

  function pending(answered: Promise<void>) {
    deps.onPending?.(answered);
    return answered;
  }

  // The common case stays synchronous on a cache hit: no promise, no extra tick.
  function answer(req: IncomingMessage, res: ServerResponse, text: string) {
    const parsed = parseVerifyBody(text);
    if (!parsed.ok) return sendError(res, 400, parsed.code ?? "BAD_REQUEST", parsed.message);
    const body = parsed.value;
    const userAgent = req.headers["user-agent"]?.slice(0, USAGE_USER_AGENT_MAX) ?? null;
    if (body.ip !== undefined) return pending(answerFor(req, res, body, userAgent).catch((error) => fail(res, error)));
    const ip = clientIp(req);
    const now = clock();
    const result = deps.verifier.verify({ key: body.key, action: body.action, resource: body.resource, ip, cost: body.cost }, now);
    if (result instanceof Promise)
      return pending(
        result
          .then((r) => {
            // Only an answer that needed the database says it is back (cache hits answer through an outage).
            unavailable.recovered();
            finish(res, r, body, ip, userAgent, now);
          })
          .catch((error) => fail(res, error)),
      );
    finish(res, result, body, ip, userAgent, now);
  }

  /** A service verifying on behalf of its own client, naming the client's address in "ip". */
  async function answerFor(req: IncomingMessage, res: ServerResponse, body: VerifyBody, userAgent: string | null) {
    const socketIp = clientIp(req);
    // Only a service holding admin on keys/verify may say which client it is verifying for.
    const secret = bearer(req);
    if (!secret) {
      return sendError(res, 401, "UNAUTHORIZED", '"ip" is accepted only with Authorization: Bearer <key with admin on keys/verify>', {
        "www-authenticate": 'Bearer realm="keyward"',
      });
    }
    const now = clock();
    const caller = await deps.verifier.verify({ key: secret, action: "admin", resource: "keys/verify", ip: socketIp }, now);
    record(caller, { key: "", action: "admin", resource: "keys/verify" }, socketIp, userAgent, now);
    if (caller.outcome !== "OK") {
      sendError(res, 403, "FORBIDDEN", '"ip" needs a caller key that is valid here and holds admin on keys/verify');
      // A canary presented as the caller's key is a presentation too.
      if (caller.outcome === "NOT_FOUND")
        deps.onNotFound?.({ key: secret, ip: socketIp, userAgent, action: "admin", resource: "keys/verify", at: now });
      return;
    }
    // The caller vouches for its own organization's clients only: another organization's key is checked
    // against the caller's real address, as if no "ip" had been sent. Learning the key's organization spends nothing.
    const probe = await deps.verifier.verify({ key: body.key, action: body.action, resource: body.resource, ip: body.ip!, cost: 0 }, now);
    const ip = probe.orgId !== "" && probe.orgId !== caller.orgId ? socketIp : body.ip!;
    const result = await deps.verifier.verify({ key: body.key, action: body.action, resource: body.resource, ip, cost: body.cost }, now);
    finish(res, result, body, ip, userAgent, now);
  }

  function fail(res: ServerResponse, error: unknown) {
    if (error instanceof DatabaseUnavailableError) {
      unavailable.fail(error.cause);
      // Never NOT_FOUND (a client would drop a good key) nor 500: the key could not be confirmed, try again.
      if (!res.headersSent) {
        send(
          res,
          503,
          JSON.stringify({
            error: { code: "UNAVAILABLE", message: "The key could not be confirmed: the database is unavailable. Retry.", retryable: true },
          }),
          { "retry-after": String(VERIFY_RETRY_AFTER_S) },
        );
      } else res.destroy();
      return;
    }
    log.error({ reqId: res.getHeader("x-request-id") }, `verify: ${error instanceof Error ? error.message : "request failed"}`);
    if (!res.headersSent) sendError(res, 500, "INTERNAL", "Verification failed; try again");
    else res.destroy();
  }

  // Answer at once: the rest of the body is never read into memory.
  function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string) {
    answerBeforeBody(req, res, status, BASE_HEADERS, JSON.stringify({ error: { code, message } }));
  }

  function tooLarge(req: IncomingMessage, res: ServerResponse) {
    refuse(req, res, 413, "PAYLOAD_TOO_LARGE", `The body is limited to ${VERIFY_BODY_MAX_BYTES} bytes`);
  }

  return function handleVerify(req, res) {
    if (req.method !== "POST") {
      req.resume();
      return sendError(res, 405, "METHOD_NOT_ALLOWED", "Use POST", { allow: "POST" });
    }
    const declared = req.headers["content-length"];
    if (declared !== undefined && Number(declared) > VERIFY_BODY_MAX_BYTES) return tooLarge(req, res);
    // Only a request with a query string pays for the check (clients send none).
    if (req.url!.length > VERIFY_PATH.length && urlHoldsSecret(req.url!))
      return refuse(req, res, 400, SECRET_IN_URL, SECRET_IN_URL_MESSAGE);
    if (!isJsonType(req.headers["content-type"])) {
      return refuse(req, res, 415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as Content-Type: application/json");
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > VERIFY_BODY_MAX_BYTES) {
        rejected = true;
        return tooLarge(req, res);
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (rejected) return;
      const text = chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks).toString("utf8");
      try {
        void answer(req, res, text);
      } catch (error) {
        fail(res, error);
      }
    });
    req.on("error", () => res.destroy());
  };
}
