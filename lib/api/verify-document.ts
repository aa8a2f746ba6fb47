// The verification endpoint as documented in the OpenAPI document and on the API reference page. It is
// served on the fast path (lib/verify/handler.ts, a hand-written parser for speed), so these schemas only
// describe it; tests/api/openapi-document.test.ts parses real answers with them so they cannot drift.
import { z } from "zod";
import { REQUEST_ACTIONS, SCOPE_ACTIONS } from "../keys/scopes";
import { VERIFY_BODY_MAX_BYTES, VERIFY_KEY_MAX_LENGTH } from "../verify/request";

export const VERIFY_PATH = "/api/v1/keys/verify";

export const VERIFY_DENIAL_CODES = [
  "NOT_FOUND",
  "REVOKED",
  "EXPIRED",
  "DISABLED",
  "IP_NOT_ALLOWED",
  "INSUFFICIENT_SCOPE",
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
});

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
  })
  .meta({ id: "VerifyValid" });

export const verifyDeniedSchema = z
  .object({
    valid: z.literal(false),
    code: z.enum(VERIFY_DENIAL_CODES).meta({
      description:
        "NOT_FOUND: no such secret. REVOKED. EXPIRED: the key expired, or a rotated-out secret is past its grace. DISABLED: the key is disabled (reversibly; it works again once enabled). IP_NOT_ALLOWED: the address is outside the key's allowed IPs. INSUFFICIENT_SCOPE: no scope allows the action on the resource. MALFORMED: not a checksum-valid Keyward secret",
    }),
    keyId: z.string().optional().meta({ description: "Present when the secret belongs to a key" }),
  })
  .meta({ id: "VerifyDenied" });

export const verifyResponseSchema = z.union([verifyValidSchema, verifyDeniedSchema]).meta({ id: "VerifyResponse" });

export const verifyErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: "VerifyError" });

export const VERIFY_ERRORS = {
  400: "BAD_REQUEST: not JSON, wrong types, a key over 256 characters or with characters no key has, a bad action, resource or ip",
  401: 'UNAUTHORIZED: "ip" sent without a caller key',
  403: 'FORBIDDEN: "ip" sent with a caller key that is not valid here or lacks admin on keys/verify',
  405: "METHOD_NOT_ALLOWED: only POST",
  413: `PAYLOAD_TOO_LARGE: the body is limited to ${VERIFY_BODY_MAX_BYTES} bytes`,
  415: "UNSUPPORTED_MEDIA_TYPE: the body must be sent with Content-Type: application/json",
  500: "INTERNAL: verification failed unexpectedly",
  503: "UNAVAILABLE (`retryable: true`, Retry-After: 1): the database is unreachable and the key could not be confirmed — not a verdict on the key; retry",
} as const;

export const VERIFY_DESCRIPTION =
  "Checks a secret your service received, in this order: format (MALFORMED), found (NOT_FOUND), revoked, expired, disabled, the client's address against the key's allowed IPs, and (with `action` and `resource`) its scopes; the first failing check is the answer. Records the request in the key's usage. A valid answer carries the key's owner, tags and meta, so your service knows whom it serves. A denial is a 200 with `valid: false` and a code; an error status means the request itself was wrong. Needs no authentication: the secret is the credential.";

export const VERIFY_CURL = `curl -s -X POST https://keyward.example.com${VERIFY_PATH} -H 'content-type: application/json' -d '{"key":"'"$KEY"'","action":"read","resource":"projects/web"}'`;
