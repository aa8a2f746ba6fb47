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

const INVALID = "Invalid API key";

function unauthorized(message: string): ApiError {
  return new ApiError("UNAUTHORIZED", message, undefined, { "www-authenticate": 'Bearer realm="keyward"' });
}

function bearerSecret(header: string | null): string {
  if (!header) throw unauthorized("Missing API key: send it as Authorization: Bearer <secret>");
  const match = /^Bearer[ ]+([^\s]+)[ ]*$/i.exec(header);
  if (!match) throw unauthorized("Malformed Authorization header: expected Bearer <secret>");
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
  if (!row) throw unauthorized(INVALID);
  const { key } = row;
  const status = keyStatus(key, now);
  if (status === "revoked") throw unauthorized("This API key has been revoked");
  if (status === "expired") throw unauthorized("This API key has expired");
  if (row.supersededAt && !(row.validUntil && row.validUntil > now)) {
    throw unauthorized("This secret was replaced when the key was rotated; use the new secret");
  }
  const meta = requestMetaFrom(headers);
  const cidrs = key.cidrs.map((c) => c.cidr);
  if (!clientAllowed(cidrs, meta.ip)) {
    throw new ApiError("FORBIDDEN", `This API key is not allowed from ${meta.ip ?? "an unknown address"}`);
  }
  return {
    orgId: key.orgId,
    keyId: key.id,
    keyName: key.name,
    scopes: key.scopes.map((s) => ({ action: s.action as ScopeAction, resourceFilter: s.resourceFilter })),
    actor: {
      orgId: key.orgId,
      actor: { type: "key", id: key.id, label: `${key.name} (${displaySecret(key.displayPrefix, row.last4)})` },
      meta: { ip: meta.ip, userAgent: meta.userAgent },
    },
  };
}
