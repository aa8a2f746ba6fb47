// The verification endpoint as documented in the OpenAPI document and on the API reference page. It is
// served on the fast path (lib/verify/handler.ts, a hand-written parser for speed), so these schemas only
// describe it; tests/api/openapi-document.test.ts parses real answers with them so they cannot drift.
import { z } from "zod";
import { REQUEST_ACTIONS, SCOPE_ACTIONS } from "../keys/scopes";
import { VERIFY_BODY_MAX_BYTES, VERIFY_COST_MAX, VERIFY_KEY_MAX_LENGTH } from "../verify/request";

export const VERIFY_PATH = "/api/v1/keys/verify";

export const VERIFY_DENIAL_CODES = [
  "NOT_FOUND",
  "REVOKED",
  "EXPIRED",
  "DISABLED",
  "IP_NOT_ALLOWED",
  "INSUFFICIENT_SCOPE",
  "USAGE_EXCEEDED",
  "RATE_LIMITED",
  "MALFORMED",
] as const;

export const verifyRequestSchema = z.object({
  key: z.string().min(1).max(VERIFY_KEY_MAX_LENGTH).meta({ description: "The secret presented by your client (printable ASCII)" }),
  action: z.enum(REQUEST_ACTIONS).optional().meta({ description: "The action your service is about to perform" }),
  resource: z.string().optional().meta({ description: "The resource path it acts on, e.g. `projects/web/deploys`; needs `action`" }),
  ip: z.string().max(64).optional().meta({
    description:
      "Your end client's IPv4 or IPv6 address, when you verify on its behalf. Accepted only with `Authorization: Bearer <key>` holding admin on `keys/verify`, and only for keys of that key's own organization; otherwise the address of the connection is checked",
  }),
  cost: z.number().int().min(0).max(VERIFY_COST_MAX).optional().meta({
    description:
      "What this request spends of the key's quota and of each of its rate limits (default 1). 0 checks without spending. Anything but a whole number in range is a 400 INVALID_COST",
  }),
});

const ratelimitsSchema = z
  .array(
    z.object({
      name: z.string(),
      limit: z.number().int(),
      remaining: z.number().int().meta({ description: "What is left in the current window (after this request, if it was accepted)" }),
      reset: z.number().int().meta({ description: "When the window ends: epoch milliseconds" }),
    }),
  )
  .meta({ description: "Each of the key's rate limits (its own and its tier's); [] when it has none" });

const quotaStateSchema = z
  .object({
    remaining: z.number().int().meta({ description: "Credits left (after this request, if it was accepted)" }),
    refillAt: z.number().int().nullable().meta({ description: "The next refill: epoch milliseconds, or null when it never refills" }),
  })
  .nullable()
  .meta({ description: "The key's quota (or its tier's); null when unlimited" });

export const verifyValidSchema = z
  .object({
    valid: z.literal(true),
    keyId: z.string(),
    name: z.string(),
    scopes: z.array(z.object({ action: z.enum(SCOPE_ACTIONS), resourceFilter: z.string() })),
    expiresAt: z.string().nullable().meta({ description: "ISO 8601, or null for a key that never expires" }),
    owner: z.string().nullable().meta({ description: "Whom the key serves (free text or an external id), or null" }),
    tags: z.array(z.string()).meta({ description: "The key's labels, sorted" }),
    meta: z.record(z.string(), z.unknown()).meta({ description: "The key's metadata: a JSON object of at most 4 KB ({} when none)" }),
    ratelimits: ratelimitsSchema,
    quota: quotaStateSchema,
  })
  .meta({ id: "VerifyValid" });

export const verifyDeniedSchema = z
  .object({
    valid: z.literal(false),
    code: z.enum(VERIFY_DENIAL_CODES).meta({
      description:
        "NOT_FOUND: no such secret. REVOKED. EXPIRED: the key expired, or a rotated-out secret is past its grace. DISABLED: the key is disabled (reversibly; it works again once enabled). IP_NOT_ALLOWED: the address is outside the key's allowed IPs. INSUFFICIENT_SCOPE: no scope allows the action on the resource. USAGE_EXCEEDED: the key's quota is used up (or has less than `cost` left). RATE_LIMITED: a rate limit has no room for `cost` in its current window (see `ratelimits`). MALFORMED: not a checksum-valid Keyward secret",
    }),
    keyId: z.string().optional().meta({ description: "Present when the secret belongs to a key" }),
    ratelimits: ratelimitsSchema.optional().meta({ description: "With USAGE_EXCEEDED and RATE_LIMITED: each rate limit, unspent" }),
    quota: quotaStateSchema.optional(),
  })
  .meta({ id: "VerifyDenied" });

export const verifyResponseSchema = z.union([verifyValidSchema, verifyDeniedSchema]).meta({ id: "VerifyResponse" });

export const verifyErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: "VerifyError" });

export const VERIFY_ERRORS = {
  400: "BAD_REQUEST: not JSON, wrong types, a key over 256 characters or with characters no key has, a bad action, resource or ip; INVALID_COST: `cost` is not a whole number from 0 to 1,000,000",
  401: 'UNAUTHORIZED: "ip" sent without a caller key',
  403: 'FORBIDDEN: "ip" sent with a caller key that is not valid here or lacks admin on keys/verify',
  405: "METHOD_NOT_ALLOWED: only POST",
  413: `PAYLOAD_TOO_LARGE: the body is limited to ${VERIFY_BODY_MAX_BYTES} bytes`,
  415: "UNSUPPORTED_MEDIA_TYPE: the body must be sent with Content-Type: application/json",
  500: "INTERNAL: verification failed unexpectedly",
  503: "UNAVAILABLE (`retryable: true`, Retry-After: 1): the database is unreachable and the key could not be confirmed — not a verdict on the key; retry",
} as const;

export const VERIFY_DESCRIPTION =
  "Checks a secret your service received, in this order: format (MALFORMED), found (NOT_FOUND), revoked, expired, disabled, the client's address against the key's allowed IPs, (with `action` and `resource`) its scopes, its quota (USAGE_EXCEEDED) and its rate limits (RATE_LIMITED); the first failing check is the answer, and only a request that passes every check spends `cost` of the quota and of each rate limit. Records the request in the key's usage. A valid answer carries the key's owner, tags and meta, so your service knows whom it serves. A denial is a 200 with `valid: false` and a code; an error status means the request itself was wrong. Needs no authentication: the secret is the credential.";

export const VERIFY_CURL = `curl -s -X POST https://keyward.example.com${VERIFY_PATH} -H 'content-type: application/json' -d '{"key":"'"$KEY"'","action":"read","resource":"projects/web"}'`;
