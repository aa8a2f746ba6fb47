import { isRequestAction, parseClientAddress, validateResourcePath, type RequestAction } from "../keys";
import { boundedMemo } from "./bounded-memo";

/** Longer than any Keyward secret (SECRET_MAX_LENGTH), short enough that nobody uploads a novel. */
export const VERIFY_KEY_MAX_LENGTH = 256;
export const VERIFY_BODY_MAX_BYTES = 4096;
/** The most one request may spend of a quota or a rate limit. */
export const VERIFY_COST_MAX = 1_000_000;

export interface VerifyBody {
  key: string;
  action?: RequestAction;
  resource?: string;
  ip?: string;
  cost?: number;
}

export type VerifyBodyResult = { ok: true; value: VerifyBody } | { ok: false; message: string; code?: string };

// Callers ask about the same few resources over and over.
const checkResource = boundedMemo(validateResourcePath, 4096);

// Printable ASCII: every Keyward secret is; anything else is garbage, not a wrong key.
const PRINTABLE_ASCII = /^[\x21-\x7e]+$/;

function fail(message: string): VerifyBodyResult {
  return { ok: false, message };
}

/**
 * Checks the shape of a verify request. A string key of the right kind of characters is a verification
 * (a wrong one is answered MALFORMED or NOT_FOUND); anything else is a bad request.
 */
export function parseVerifyBody(text: string): VerifyBodyResult {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return fail('The body must be JSON, e.g. {"key": "…"}');
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return fail("The body must be a JSON object");
  const { key, action, resource, ip, cost } = body as Record<string, unknown>;
  if (typeof key !== "string") return fail('"key" must be a string');
  if (key.length === 0) return fail('"key" is empty');
  if (key.length > VERIFY_KEY_MAX_LENGTH) return fail(`"key" is too long (at most ${VERIFY_KEY_MAX_LENGTH} characters)`);
  if (!PRINTABLE_ASCII.test(key)) return fail('"key" contains characters no key has');
  const value: VerifyBody = { key };
  if (action !== undefined && action !== null) {
    if (!isRequestAction(action)) return fail('"action" must be "read", "write" or "admin"');
    value.action = action;
  }
  if (resource !== undefined && resource !== null) {
    if (value.action === undefined) return fail('"resource" needs an "action"');
    const path = typeof resource === "string" ? checkResource(resource) : validateResourcePath(resource);
    if (!path.ok) return fail(`"resource": ${path.error}`);
    value.resource = path.value;
  }
  if (ip !== undefined && ip !== null) {
    if (typeof ip !== "string" || ip.length > 64 || parseClientAddress(ip) === null) return fail('"ip" must be an IPv4 or IPv6 address');
    value.ip = ip;
  }
  if (cost !== undefined && cost !== null) {
    if (typeof cost !== "number" || !Number.isInteger(cost) || cost < 0 || cost > VERIFY_COST_MAX) {
      return { ok: false, code: "INVALID_COST", message: `"cost" must be a whole number from 0 to ${VERIFY_COST_MAX}` };
    }
    value.cost = cost;
  }
  return { ok: true, value };
}
