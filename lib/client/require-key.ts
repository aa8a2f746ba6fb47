import { verifyKey, VerifyKeyError, type RateLimitState, type VerifiedKey, type VerifyCode, type VerifyKeyOptions } from "./verify-key";

export interface RequireKeyOptions {
  action: "read" | "write" | "admin";
  resource: string;
  /** Defaults to KEYWARD_VERIFY_URL (server.ts sets it to its own address). */
  url?: string;
  /**
   * With a key holding admin on keys/verify (default KEYWARD_VERIFY_CALLER_KEY), the request's client
   * address is checked against the key's CIDRs rather than this server's own.
   */
  callerKey?: string;
  /** What each request spends of the key's quota and rate limits (default 1). */
  cost?: number;
  fetch?: typeof fetch;
}

export type KeyCheck =
  | { ok: true; key: VerifiedKey; headers: Record<string, string> }
  | {
      ok: false;
      status: 401 | 403 | 429 | 503;
      error: { code: VerifyCode | "MISSING_KEY" | "UNAVAILABLE"; message: string };
      /** RateLimit-* and Retry-After for a key's limits (with 429 and on success), else none. */
      headers: Record<string, string>;
    };

/** Headers of a Web Request (Next route handlers) or a node:http IncomingMessage. */
type HeaderSource = { headers: Headers | Record<string, string | string[] | undefined> };

const REASONS: Record<VerifyCode, string> = {
  NOT_FOUND: "Unknown API key",
  REVOKED: "This API key has been revoked",
  EXPIRED: "This API key has expired",
  DISABLED: "This API key is disabled",
  MALFORMED: "That is not a valid API key",
  IP_NOT_ALLOWED: "This API key is not allowed from your address",
  INSUFFICIENT_SCOPE: "This API key does not allow this action on this resource",
  USAGE_EXCEEDED: "This API key's quota is used up",
  RATE_LIMITED: "Too many requests for this API key; slow down",
};

/**
 * RateLimit-Limit / -Remaining / -Reset (seconds until the window ends) of the limit closest to running out,
 * as in the IETF RateLimit header fields draft; with a denial also Retry-After (seconds).
 */
export function rateLimitHeaders(
  ratelimits: RateLimitState[] | undefined,
  now: number,
  denied: boolean,
  refillAt?: number | null,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const seconds = (at: number) => String(Math.max(0, Math.ceil((at - now) / 1000)));
  if (ratelimits && ratelimits.length > 0) {
    const tightest = ratelimits.reduce((a, b) => (b.remaining < a.remaining || (b.remaining === a.remaining && b.reset > a.reset) ? b : a));
    headers["ratelimit-limit"] = String(tightest.limit);
    headers["ratelimit-remaining"] = String(tightest.remaining);
    headers["ratelimit-reset"] = seconds(tightest.reset);
    if (denied) {
      // The request can succeed only once every exhausted window has rolled over.
      const exhausted = ratelimits.filter((r) => r.remaining === 0);
      headers["retry-after"] = seconds(Math.max(...(exhausted.length > 0 ? exhausted : [tightest]).map((r) => r.reset)));
    }
  }
  if (denied && refillAt !== null && refillAt !== undefined) headers["retry-after"] = seconds(refillAt);
  return headers;
}

function header(req: HeaderSource, name: string): string | undefined {
  if (typeof (req.headers as Headers).get === "function") return (req.headers as Headers).get(name) ?? undefined;
  const value = (req.headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The key from `Authorization: Bearer <key>` or `X-API-Key: <key>`. */
export function keyFromRequest(req: HeaderSource): string | undefined {
  const auth = header(req, "authorization");
  const bearer = auth ? /^Bearer +(\S+) *$/i.exec(auth)?.[1] : undefined;
  return bearer ?? header(req, "x-api-key")?.trim() ?? undefined;
}

/**
 * Middleware for Node/Next route handlers: `const check = requireKey({ action: "read", resource: "demo/echo" })`,
 * then `const result = await check(req)` — 401 for a missing/unknown/revoked/expired/disabled key, 403 for an
 * address or scope the key does not allow, 429 (with RateLimit-* and Retry-After) for a key over a rate limit or
 * out of quota, 503 when Keyward cannot be reached.
 */
export function requireKey(options: RequireKeyOptions) {
  return async function check(req: HeaderSource): Promise<KeyCheck> {
    const key = keyFromRequest(req);
    if (!key)
      return {
        ok: false,
        status: 401,
        error: { code: "MISSING_KEY", message: "Send an API key: Authorization: Bearer <key>" },
        headers: {},
      };
    const url = options.url ?? process.env.KEYWARD_VERIFY_URL;
    const callerKey = options.callerKey ?? process.env.KEYWARD_VERIFY_CALLER_KEY;
    const clientIp = callerKey ? header(req, "x-keyward-client-ip") : undefined;
    try {
      if (!url) throw new VerifyKeyError("KEYWARD_VERIFY_URL is not set");
      const verification = await verifyKey({
        url,
        key,
        action: options.action,
        resource: options.resource,
        ...(clientIp ? { ip: clientIp, callerKey } : {}),
        cost: options.cost,
        fetch: options.fetch,
      } satisfies VerifyKeyOptions);
      const now = Date.now();
      if (verification.valid) return { ok: true, key: verification, headers: rateLimitHeaders(verification.ratelimits, now, false) };
      const { code } = verification;
      if (code === "RATE_LIMITED" || code === "USAGE_EXCEEDED") {
        const refillAt = code === "USAGE_EXCEEDED" ? (verification.quota?.refillAt ?? null) : null;
        return {
          ok: false,
          status: 429,
          error: { code, message: REASONS[code] },
          headers: rateLimitHeaders(verification.ratelimits, now, true, refillAt),
        };
      }
      const status = code === "IP_NOT_ALLOWED" || code === "INSUFFICIENT_SCOPE" ? 403 : 401;
      return { ok: false, status, error: { code, message: REASONS[code] }, headers: {} };
    } catch (error) {
      if (error instanceof VerifyKeyError && error.status === 400) {
        return { ok: false, status: 401, error: { code: "MALFORMED", message: REASONS.MALFORMED }, headers: {} };
      }
      return { ok: false, status: 503, error: { code: "UNAVAILABLE", message: "Key verification is unavailable; try again" }, headers: {} };
    }
  };
}

/** A Next route handler that runs only for a key allowed `action` on `resource`. */
export function withKey<Ctx>(
  options: RequireKeyOptions,
  handler: (req: Request, key: VerifiedKey, ctx: Ctx) => Response | Promise<Response>,
) {
  const check = requireKey(options);
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    const result = await check(req);
    if (!result.ok) {
      const headers: Record<string, string> = { "cache-control": "no-store", ...result.headers };
      if (result.status === 401) headers["www-authenticate"] = 'Bearer realm="keyward"';
      return Response.json({ error: result.error }, { status: result.status, headers });
    }
    const response = await handler(req, result.key, ctx);
    for (const [name, value] of Object.entries(result.headers)) if (!response.headers.has(name)) response.headers.set(name, value);
    return response;
  };
}
