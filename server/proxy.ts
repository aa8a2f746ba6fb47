import { Agent, request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { pipeline } from "node:stream";
import { answerBeforeBody } from "../lib/http/answer-before-body";

// Meaningful for one connection only (RFC 9110 §7.6.1): never forwarded.
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade"]);

function endToEnd(headers: IncomingMessage["headers"]): OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? "")
      .toLowerCase()
      .split(",")
      .map((h) => h.trim()),
  );
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (!HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  return out;
}

// Next answers JSON as bare "application/json"; every JSON answer names its charset (RFC 8259 allows no other).
function endToEndRaw(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(name)) continue;
    out.push(raw[i], name === "content-type" && raw[i + 1] === "application/json" ? "application/json; charset=utf-8" : raw[i + 1]);
  }
  return out;
}

/**
 * The answer's headers as one object, repeated names (Set-Cookie) as arrays. Not a flat [name, value, …] list:
 * once a header was set on `res` before the answer came (x-request-id, HSTS), Node applies such a list one
 * setHeader at a time, so each repeated name replaced the one before — a sign-in's second cookie was lost.
 */
function headerObject(raw: string[]): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const prev = out[name];
    out[name] = prev === undefined ? raw[i + 1] : [...(Array.isArray(prev) ? prev : [prev]), raw[i + 1]];
  }
  return out;
}

export interface LocalProxyOptions {
  socketPath: string;
  /** Runs when the upstream answer arrives, before any of it is sent on. */
  beforeResponse?: () => void;
  /** The most body bytes a request may send (default: unlimited). Counted as they stream in, declared or not. */
  bodyLimit?: (req: IncomingMessage) => number;
  /** The upstream must send something at least this often (default 60 s): else 504, or the answer is cut. */
  idleTimeoutMs?: number;
  /** The Allow header for a 405 the upstream sent without one. */
  allowFor?: (path: string) => Promise<string>;
  /**
   * Asked when the upstream answers 5xx (not 503): true answers with `replace` instead of relaying it — the
   * server uses it to turn a page that failed because the database is gone into a 503 that says so.
   */
  replaceServerError?: { when: () => Promise<boolean>; replace: (req: IncomingMessage, res: ServerResponse) => void };
}

const PLAIN = { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-store" };
const JSON_TYPE = { ...PLAIN, "content-type": "application/json; charset=utf-8" };

/** Answers 413 without reading the rest of the body. */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number) {
  const message = `The request body is too large: at most ${limit} bytes`;
  const json = req.url?.startsWith("/api/");
  answerBeforeBody(
    req,
    res,
    413,
    json ? JSON_TYPE : PLAIN,
    json ? JSON.stringify({ error: { code: "PAYLOAD_TOO_LARGE", message } }) : message,
  );
}

/**
 * Forwards a request to an HTTP server on a local Unix socket and streams the answer back: method, path,
 * headers (Host included) and body as they came, minus hop-by-hop headers. A body over `bodyLimit` is cut
 * with 413 as soon as its bytes say so (chunked or not); 502 if the upstream is gone, 504 if it stalls.
 */
export function createLocalProxy({
  socketPath,
  beforeResponse,
  bodyLimit,
  idleTimeoutMs = 60_000,
  allowFor,
  replaceServerError,
}: LocalProxyOptions) {
  // Idle sockets to the upstream close well before its keep-alive timeout (65 s), never while it closes them.
  const agent = new Agent({ keepAlive: true, timeout: 30_000 });
  return (req: IncomingMessage, res: ServerResponse) => {
    const limit = bodyLimit?.(req) ?? Infinity;
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > limit) return refuseTooLarge(req, res, limit);

    let refused = false;
    const upstream = request({ agent, socketPath, method: req.method, path: req.url, headers: endToEnd(req.headers) }, (answer) => {
      beforeResponse?.();
      const relay = (extra: string[] = []) => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headerObject(endToEndRaw(answer.rawHeaders).concat(extra)));
        pipeline(answer, res, () => {});
      };
      const status = answer.statusCode ?? 502;
      if (replaceServerError && status >= 500 && status !== 503) {
        void replaceServerError.when().then(
          (replace) => {
            if (!replace) return relay();
            answer.resume();
            replaceServerError.replace(req, res);
          },
          () => relay(),
        );
        return;
      }
      // RFC 9110 §15.5.6: a 405 says what is allowed.
      if (answer.statusCode === 405 && !answer.headers.allow && allowFor)
        void allowFor(req.url ?? "/").then((allow) => relay(["allow", allow]));
      else relay();
    });
    upstream.setTimeout(idleTimeoutMs, () => {
      if (!res.headersSent) {
        res.writeHead(504, { ...PLAIN, connection: "close" });
        res.end("The console did not answer in time.");
      } else res.destroy();
      upstream.destroy();
    });
    upstream.on("error", () => {
      if (refused || res.writableEnded) return;
      if (res.headersSent) return res.destroy();
      res.writeHead(502, PLAIN);
      res.end("The console is not available right now.");
    });

    let received = 0;
    req.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        refused = true;
        upstream.destroy();
        return refuseTooLarge(req, res, limit);
      }
      if (!upstream.write(chunk)) req.pause();
    });
    upstream.on("drain", () => !refused && req.resume());
    req.on("end", () => !refused && upstream.end());
    req.on("error", () => upstream.destroy());
    // A client that goes away before its answer is complete takes the upstream request with it.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
  };
}
