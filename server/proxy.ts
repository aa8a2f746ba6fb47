import { Agent, request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import { pipeline } from "node:stream";

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

function endToEndRaw(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i].toLowerCase())) out.push(raw[i], raw[i + 1]);
  return out;
}

export interface LocalProxyOptions {
  socketPath: string;
  /** Runs when the upstream answer arrives, before any of it is sent on. */
  beforeResponse?: () => void;
}

/**
 * Forwards a request to an HTTP server on a local Unix socket and streams the answer back: method, path,
 * headers (Host included) and body as they came, minus hop-by-hop headers. 502 if the upstream is gone.
 */
export function createLocalProxy({ socketPath, beforeResponse }: LocalProxyOptions) {
  const agent = new Agent({ keepAlive: true });
  return (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request({ agent, socketPath, method: req.method, path: req.url, headers: endToEnd(req.headers) }, (answer) => {
      beforeResponse?.();
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEndRaw(answer.rawHeaders));
      pipeline(answer, res, () => {});
    });
    upstream.on("error", () => {
      if (res.headersSent) return res.destroy();
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" });
      res.end("The console is not available right now.");
    });
    req.pipe(upstream);
    // A client that goes away before its answer is complete takes the upstream request with it.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
  };
}
