// A tiny client for Keyward's verification endpoint. No dependencies beyond fetch: copy it into a service
// as is. It never logs or returns the key it was given.

export type VerifyCode =
  | "NOT_FOUND"
  | "REVOKED"
  | "EXPIRED"
  | "DISABLED"
  | "IP_NOT_ALLOWED"
  | "INSUFFICIENT_SCOPE"
  | "USAGE_EXCEEDED"
  | "RATE_LIMITED"
  | "MALFORMED";

/** One of the key's rate limits: `reset` is when its window ends (epoch ms). */
export interface RateLimitState {
  name: string;
  limit: number;
  remaining: number;
  reset: number;
}

export interface QuotaState {
  remaining: number;
  /** Epoch ms of the next refill; null when it never refills. */
  refillAt: number | null;
}

export interface VerifiedKey {
  valid: true;
  keyId: string;
  name: string;
  scopes: { action: string; resourceFilter: string }[];
  expiresAt: string | null;
  /** Whom the key serves, its labels and metadata: set in Keyward, never secrets. */
  owner: string | null;
  tags: string[];
  meta: Record<string, unknown>;
  ratelimits: RateLimitState[];
  quota: QuotaState | null;
}

export interface RejectedKey {
  valid: false;
  code: VerifyCode;
  keyId?: string;
  /** With RATE_LIMITED and USAGE_EXCEEDED. */
  ratelimits?: RateLimitState[];
  quota?: QuotaState | null;
}

export type Verification = VerifiedKey | RejectedKey;

export interface VerifyKeyOptions {
  /** The endpoint, e.g. https://keys.example.com/api/v1/keys/verify */
  url: string;
  key: string;
  action?: "read" | "write" | "admin";
  resource?: string;
  /** The end client's address; needs `callerKey` holding admin on keys/verify. */
  ip?: string;
  callerKey?: string;
  /** What the request spends of the key's quota and rate limits (default 1; 0 checks without spending). */
  cost?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** Thrown when the endpoint could not give a verdict (network, timeout, 4xx/5xx). */
export class VerifyKeyError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    readonly code?: string,
  ) {
    super(message);
    this.name = "VerifyKeyError";
  }
}

export async function verifyKey(options: VerifyKeyOptions): Promise<Verification> {
  const { url, key, action, resource, ip, callerKey, cost, timeoutMs = 5000 } = options;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (callerKey) headers.authorization = `Bearer ${callerKey}`;
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers,
      body: JSON.stringify({ key, action, resource, ip, cost }),
      signal: AbortSignal.timeout(timeoutMs),
      cache: "no-store",
    });
  } catch (error) {
    throw new VerifyKeyError(`Keyward is unreachable: ${error instanceof Error ? error.name : "error"}`);
  }
  const body = (await res.json().catch(() => null)) as (Verification & { error?: { code: string; message: string } }) | null;
  if (res.status !== 200 || !body || typeof body.valid !== "boolean") {
    throw new VerifyKeyError(body?.error?.message ?? `Keyward answered ${res.status}`, res.status, body?.error?.code);
  }
  return body;
}
