// Every management API endpoint in one table: the routes run through it (scope check, input schema, status)
// and the OpenAPI document and the console's API reference are generated from it, so they cannot disagree.
import { z } from "zod";
import type { RequestAction } from "../keys/universal";
import { keyCursorQuerySchema } from "../queries/keys-cursor";
import { createKeySchema, editKeySchema } from "../validations/key";
import { tierSchema } from "../validations/ratelimits";
import { usageQuerySchema } from "./key-usage";
import {
  createdKeyResponseSchema,
  keyListResponseSchema,
  keyResponseSchema,
  revokeBodySchema,
  revokeLeakedBodySchema,
  revokeLeakedResponseSchema,
  tierListResponseSchema,
  tierResponseSchema,
  rotateBodySchema,
  rotatedKeyResponseSchema,
  updatedKeyResponseSchema,
  usageResponseSchema,
  whoamiResponseSchema,
} from "./schemas";

export interface Endpoint {
  method: "GET" | "POST" | "PATCH";
  path: string;
  operationId: string;
  summary: string;
  description: string;
  /** The scope action the API key needs on `keys/**` (collection) or `keys/{id}` (one key). */
  action: RequestAction;
  /** Where the input comes from; "body+id" parses the body with the path's key id added as keyId. */
  source: "query" | "body" | "body+id";
  input: z.ZodType;
  response: z.ZodType;
  status: 200 | 201;
  /** Accepts text/plain as well as JSON (the text becomes `text`). */
  acceptsText?: boolean;
  /** CLI commands that call this endpoint, for the reference page. */
  cli: string;
  /** Acts on the calling key itself: the scope is checked on `keys/<its own id>`. */
  self?: true;
}

export const ENDPOINTS = {
  listKeys: {
    method: "GET",
    path: "/api/v1/keys",
    operationId: "listKeys",
    summary: "List keys",
    description:
      "Newest first. Filter by status, tag, owner (exact), enabled, name (contains) or prefix (kw_live_ or a display form kw_live_…a1b2); page with `cursor` = the previous page's `nextCursor`.",
    action: "read",
    source: "query",
    input: keyCursorQuerySchema,
    response: keyListResponseSchema,
    status: 200,
    cli: "keyward keys list --status active",
  },
  createKey: {
    method: "POST",
    path: "/api/v1/keys",
    operationId: "createKey",
    summary: "Create a key",
    description:
      "Returns the secret once. The same schema as the console's create form; the organization's key policy applies (a key that breaks it — no expiry, too long a life, every address, full access, no owner, no rate limit of its own or its tier's — is 422 VALIDATION naming the field in `details`).",
    action: "write",
    source: "body",
    input: createKeySchema,
    response: createdKeyResponseSchema,
    status: 201,
    cli: 'keyward keys create "CI pipeline" -s read:projects/** --expires 90d',
  },
  getKey: {
    method: "GET",
    path: "/api/v1/keys/{id}",
    operationId: "getKey",
    summary: "Show a key",
    description: "Scopes, allowed IPs, status, last use and the display form of its secrets. Never a secret.",
    action: "read",
    source: "query",
    input: z.object({}),
    response: keyResponseSchema,
    status: 200,
    cli: "keyward keys show key_…",
  },
  updateKey: {
    method: "PATCH",
    path: "/api/v1/keys/{id}",
    operationId: "updateKey",
    summary: "Update a key",
    description:
      "Send only the fields to change. Changing scopes or allowed IPs takes effect on the next request made with the key. A change that breaks the organization's key policy (see createKey) is 422 VALIDATION naming the field; only the fields sent are checked.",
    action: "write",
    source: "body+id",
    input: editKeySchema,
    response: updatedKeyResponseSchema,
    status: 200,
    cli: 'keyward keys update key_… --name "CI pipeline (old)"',
  },
  rotateKey: {
    method: "POST",
    path: "/api/v1/keys/{id}/rotate",
    operationId: "rotateKey",
    summary: "Rotate a key's secret",
    description:
      "A new secret for the same key (same id, scopes, IPs, expiry), returned once. The old secret stops working at once, or at the end of the grace period. A key that breaks the organization's key policy is 422 VALIDATION until it is edited to comply.",
    action: "write",
    source: "body",
    input: rotateBodySchema,
    response: rotatedKeyResponseSchema,
    status: 200,
    cli: "keyward keys rotate key_… --grace 24h -y",
  },
  revokeKey: {
    method: "POST",
    path: "/api/v1/keys/{id}/revoke",
    operationId: "revokeKey",
    summary: "Revoke a key",
    description: "Permanent: every secret of the key stops working immediately. 409 if it is already revoked.",
    action: "admin",
    source: "body",
    input: revokeBodySchema,
    response: keyResponseSchema,
    status: 200,
    cli: "keyward keys revoke key_… -y",
  },
  disableKey: {
    method: "POST",
    path: "/api/v1/keys/{id}/disable",
    operationId: "disableKey",
    summary: "Disable a key",
    description:
      "Reversible: verifications answer DISABLED (and the management API refuses the key) until it is enabled again. 409 if it is already disabled or revoked.",
    action: "admin",
    source: "body",
    input: z.object({}),
    response: keyResponseSchema,
    status: 200,
    cli: "keyward keys disable key_…",
  },
  enableKey: {
    method: "POST",
    path: "/api/v1/keys/{id}/enable",
    operationId: "enableKey",
    summary: "Enable a disabled key",
    description: "The key verifies again on the next request. 409 if it is not disabled, or revoked.",
    action: "admin",
    source: "body",
    input: z.object({}),
    response: keyResponseSchema,
    status: 200,
    cli: "keyward keys enable key_…",
  },
  keyUsage: {
    method: "GET",
    path: "/api/v1/keys/{id}/usage",
    operationId: "keyUsage",
    summary: "A key's usage",
    description:
      "Requests per UTC day over the last `days` days (allowed and denied), totals by outcome, and the last use's IP and user agent.",
    action: "read",
    source: "query",
    input: usageQuerySchema,
    response: usageResponseSchema,
    status: 200,
    cli: "keyward keys usage key_… --days 30",
  },
  revokeLeaked: {
    method: "POST",
    path: "/api/v1/keys/revoke-leaked",
    operationId: "revokeLeakedKeys",
    summary: "Revoke every key found in a text",
    description:
      "Scans the text (a log, a paste, a file) for Keyward secrets and revokes each key of the organization whose current or in-grace secret appears. The text is never stored or logged. Also accepts a text/plain body.",
    action: "admin",
    source: "body",
    input: revokeLeakedBodySchema,
    response: revokeLeakedResponseSchema,
    status: 200,
    acceptsText: true,
    cli: "keyward keys revoke-leaked < leaked.log",
  },
  listTiers: {
    method: "GET",
    path: "/api/v1/tiers",
    operationId: "listTiers",
    summary: "List rate-limit tiers",
    description:
      "The organization's tiers: each a named set of rate limits and an optional quota with refill, assignable to keys (`tier` on a key).",
    action: "read",
    source: "query",
    input: z.object({}),
    response: tierListResponseSchema,
    status: 200,
    cli: "(API only)",
  },
  saveTier: {
    method: "POST",
    path: "/api/v1/tiers",
    operationId: "saveTier",
    summary: "Create or replace a tier",
    description:
      "Creates the tier of this name or replaces its limits and quota; every key on it follows on its next verification. A changed quota or refill starts the tier's quota afresh. While the key policy requires a rate limit, removing the last limit of a tier that keys rely on for theirs is 422 VALIDATION.",
    action: "admin",
    source: "body",
    input: tierSchema,
    response: tierResponseSchema,
    status: 200,
    cli: "(API only)",
  },
  whoami: {
    method: "GET",
    path: "/api/v1/whoami",
    operationId: "whoami",
    summary: "The key in use",
    description:
      "The key the request is made with (name, scopes, expiry, status) and its organization, to check a key works and what it may do. Never a secret.",
    action: "read",
    source: "query",
    input: z.object({}),
    response: whoamiResponseSchema,
    status: 200,
    cli: "keyward whoami",
    self: true,
  },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** True when the endpoint acts on one key (its path has {id}). */
export function isPerKey(endpoint: Endpoint): boolean {
  return endpoint.path.includes("{id}");
}

/** The key id an endpoint acts on: the path's, or the calling key's own for `self` endpoints. */
export function targetKeyId(endpoint: Endpoint, pathId: unknown, callerKeyId: string): string {
  if (endpoint.self) return callerKeyId;
  return typeof pathId === "string" ? pathId : "";
}
