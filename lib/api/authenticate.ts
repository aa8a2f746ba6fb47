import type { KeyActor } from "../api-keys/actor";
import type { Db } from "../db/client";
import { requestMetaFrom } from "../http/request-meta";
import { compileCidrs, displaySecret, keyStatus, parseSecret, wildcardFamilies, type Scope, type ScopeAction } from "../keys";
import { orgWithSigningSecret, secretHashFor } from "../api-keys/signing";
import { ApiError } from "./errors";

/** The API key a management request is made with, and who it acts as in the audit log. */
export interface ApiPrincipal {
  orgId: string;
  keyId: string;
  keyName: string;
  scopes: Scope[];
  actor: KeyActor;
}

// One answer for every request that does not authenticate — missing, malformed, unknown, revoked, expired or
// rotated-away — so a 401 never tells whoever holds a leaked secret that it once was real. The reason goes
// to the organization's audit log and the key's usage instead (lib/api/refusals.ts).
export const UNAUTHENTICATED_MESSAGE = "Missing or invalid API key: send a valid one as Authorization: Bearer <secret>";

function unauthorized(): ApiError {
  return new ApiError("UNAUTHORIZED", UNAUTHENTICATED_MESSAGE, undefined, { "www-authenticate": 'Bearer realm="keyward"' });
}

export type RefusalReason = "REVOKED" | "EXPIRED" | "DISABLED" | "IP_NOT_ALLOWED" | "INSUFFICIENT_SCOPE" | "NOT_FOUND";

export interface RefusedKey {
  orgId: string;
  keyId: string;
  label: string;
}

/** A refusal of a real key of an organization, which its reviewers should see (audit log, key usage). */
export class KeyRefusedError extends ApiError {
  constructor(
    readonly key: RefusedKey,
    readonly reason: RefusalReason,
    readonly detail: string,
    refusal: ApiError,
  ) {
    super(refusal.code, refusal.message, refusal.details, refusal.headers);
  }
}

function deadKey(key: RefusedKey, reason: RefusalReason, detail: string): KeyRefusedError {
  return new KeyRefusedError(key, reason, detail, unauthorized());
}

function bearerSecret(header: string | null): string {
  const match = header ? /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header) : null;
  if (!match) throw unauthorized();
  return match[1];
}

async function findSecret(db: Db, secret: string) {
  const parsed = parseSecret(secret);
  // The checksum turns away typos and random strings without touching the database.
  if (!parsed) return null;
  // Prefixes are chosen per organization but need not be unique, so every candidate is hashed with its own
  // signing secret; the hash is then looked up by its unique index, never compared in a loop.
  const candidates = await db.organization.findMany({ where: { keyPrefix: parsed.prefix }, select: { id: true } });
  for (const candidate of candidates) {
    const found = await orgWithSigningSecret(db, candidate.id);
    if (!found) continue;
    const row = await db.keySecret.findUnique({
      where: { secretHash: secretHashFor(found.signingSecret, secret) },
      include: { key: { include: { scopes: { orderBy: { position: "asc" } }, cidrs: true } } },
    });
    if (row && row.key.orgId === candidate.id) return row;
  }
  return null;
}

function clientAllowed(cidrs: string[], ip: string | null): boolean {
  if (ip) return compileCidrs(cidrs)(ip);
  // Without the custom server there is no trusted client address: only an unrestricted key may pass.
  return wildcardFamilies(cidrs).length === 2;
}

/** Authenticates `Authorization: Bearer <secret>`; throws UNAUTHORIZED or FORBIDDEN (address not allowed). */
export async function authenticateApiKey(db: Db, headers: Pick<Headers, "get">, now = new Date()): Promise<ApiPrincipal> {
  const secret = bearerSecret(headers.get("authorization"));
  const row = await findSecret(db, secret);
  if (!row) throw unauthorized();
  const { key } = row;
  const status = keyStatus(key, now);
  const who = { orgId: key.orgId, keyId: key.id, label: `${key.name} (${displaySecret(key.displayPrefix, row.last4)})` };
  if (status === "revoked") throw deadKey(who, "REVOKED", "The key is revoked");
  if (status === "expired") throw deadKey(who, "EXPIRED", "The key has expired");
  if (row.supersededAt && !(row.validUntil && row.validUntil > now)) {
    // As on the verify path: a secret past its rotation grace period counts as expired.
    throw deadKey(who, "EXPIRED", "The secret was replaced by a rotation and its grace period is over");
  }
  // The same order as the verify path: a disabled key is refused after revoked and expired, before its address.
  if (key.disabledAt) throw deadKey(who, "DISABLED", "The key is disabled");
  const meta = requestMetaFrom(headers);
  const cidrs = key.cidrs.map((c) => c.cidr);
  if (!clientAllowed(cidrs, meta.ip)) {
    const message = `This API key is not allowed from ${meta.ip ?? "an unknown address"}`;
    throw new KeyRefusedError(who, "IP_NOT_ALLOWED", message, new ApiError("FORBIDDEN", message));
  }
  return {
    orgId: key.orgId,
    keyId: key.id,
    keyName: key.name,
    scopes: key.scopes.map((s) => ({ action: s.action as ScopeAction, resourceFilter: s.resourceFilter })),
    actor: {
      orgId: key.orgId,
      actor: { type: "key", id: key.id, label: who.label },
      meta: { ip: meta.ip, userAgent: meta.userAgent },
    },
  };
}
