// What one request may cost the server: body sizes and how long it may take to arrive. server.ts and the
// proxy to the Next.js thread enforce them as bytes stream in; README's Security section documents them.

/** Management API bodies: generous for a 1,000,000-character leak scan in multi-byte UTF-8. */
export const API_BODY_MAX_BYTES = 4 * 1024 * 1024;
/** Everything else Next.js serves (server actions, console routes): Next's own server-action limit ("1mb"). */
export const CONSOLE_BODY_MAX_BYTES = 1024 * 1024;

export function bodyLimitFor(url: string | undefined): number {
  return url?.startsWith("/api/") ? API_BODY_MAX_BYTES : CONSOLE_BODY_MAX_BYTES;
}

function ms(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export interface HttpTimeouts {
  /** The whole request (headers and body) must arrive within this; then 408 and the connection is closed. */
  requestMs: number;
  /** The request line and headers must arrive within this. */
  headersMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number;
  /** How often the server looks for requests past their time: each bound above is exceeded by at most this. */
  checkEveryMs: number;
  /** The Next.js thread must send something (headers or body bytes) at least this often, or 504 / cut. */
  upstreamIdleMs: number;
}

export function httpTimeouts(): HttpTimeouts {
  const requestMs = ms("KEYWARD_REQUEST_TIMEOUT_MS", 30_000);
  return {
    requestMs,
    headersMs: Math.min(requestMs, ms("KEYWARD_HEADERS_TIMEOUT_MS", 10_000)),
    keepAliveMs: ms("KEYWARD_KEEPALIVE_TIMEOUT_MS", 5_000),
    checkEveryMs: 1_000,
    upstreamIdleMs: ms("KEYWARD_UPSTREAM_TIMEOUT_MS", 60_000),
  };
}
