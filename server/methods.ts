import { request, type IncomingMessage, type ServerResponse } from "node:http";

// The methods Next.js routes by (next/dist/server/web/http HTTP_METHODS); it answers 500 to any other.
const KNOWN = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
// A page answers GET (and HEAD) and POST (its server actions).
const PAGE_METHODS = "GET, HEAD, POST";

export function isKnownMethod(method: string | undefined): boolean {
  return method !== undefined && KNOWN.has(method);
}

/**
 * What `path` answers to, for a 405's Allow. Next answers OPTIONS on a route handler with its methods (it
 * does not put them on its 405s); anything else is a page.
 */
export function allowedMethods(socketPath: string, path: string): Promise<string> {
  return new Promise((resolve) => {
    const probe = request({ socketPath, method: "OPTIONS", path, headers: { host: "localhost" } }, (answer) => {
      answer.resume();
      const allow = answer.headers.allow;
      resolve(answer.statusCode === 204 && allow ? allow : PAGE_METHODS);
    });
    probe.setTimeout(5_000, () => probe.destroy());
    probe.on("error", () => resolve(PAGE_METHODS));
    probe.end();
  });
}

/** 405 for a method no route here answers, with the path's Allow; the body is not read. */
export function refuseMethod(req: IncomingMessage, res: ServerResponse, socketPath: string) {
  req.resume();
  void allowedMethods(socketPath, req.url ?? "/").then((allow) => {
    const json = req.url?.startsWith("/api/");
    const message = `${req.method} is not allowed here; use ${allow}`;
    const body = json ? JSON.stringify({ error: { code: "METHOD_NOT_ALLOWED", message } }) : message;
    res.writeHead(405, {
      allow,
      "content-type": json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
      "x-content-type-options": "nosniff",
      "cache-control": "no-store",
      "content-length": Buffer.byteLength(body),
    });
    res.end(body);
  });
}
