import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const REQUEST_ID_HEADER = "x-request-id";

// A caller's own id is kept when it is short and plain (a UUID, a trace id): nothing that could break a log
// line or smuggle markup into one.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** The request's id: the client's x-request-id if it is short and safe, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === "string" && SAFE_ID.test(given) ? given : randomUUID();
}

/**
 * The path as an access log may show it: no query string (search terms, filters) and no invite token (the
 * one credential that travels in a path).
 */
export function loggablePath(url: string | undefined): string {
  const path = (url ?? "/").split("?", 1)[0];
  return path.startsWith("/invite/") ? "/invite/[token]" : path;
}
