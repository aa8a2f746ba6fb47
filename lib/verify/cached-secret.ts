import { compileCidrs, compileScopes, type IpMatcher, type RequestAction, type Scope, type ScopeAction } from "../keys";
import { parseMeta } from "../api-keys/serialize";
import { resolvePolicy, type KeyPolicy, type StoredLimits } from "../ratelimits/policy";
import { boundedMemo } from "./bounded-memo";

/** What the hot path needs to answer for one secret, precompiled once when the cache is filled. */
export interface CachedSecret {
  hash: string;
  orgId: string;
  keyId: string;
  revokedAt: Date | null;
  expiresAt: Date | null;
  /** Disabled keys answer DISABLED (checked after revoked and expired); enabling one drops this entry. */
  disabled: boolean;
  /** null for the key's current secret; else the instant a superseded secret stops (its grace end). */
  endsAt: number | null;
  ipAllowed: IpMatcher;
  /** Whether the key's scopes allow the action on the resource (remembered per pair: callers repeat them). */
  allows(action: RequestAction, resource: string | undefined): boolean;
  /** The whole 200 body for a valid verification: it only changes when the key does, which drops this entry. */
  validBody: string;
  /** Rate limits and quota (the key's over its tier's); null when nothing limits the key. */
  policy: KeyPolicy | null;
}

export interface SecretRow {
  secretHash: string;
  supersededAt: Date | null;
  validUntil: Date | null;
  key: {
    id: string;
    orgId: string;
    name: string;
    expiresAt: Date | null;
    revokedAt: Date | null;
    disabledAt: Date | null;
    owner: string | null;
    /** JSON object text */
    meta: string;
    tags: { tag: string }[];
    scopes: { action: string; resourceFilter: string; position: number }[];
    cidrs: { cidr: string }[];
  } & StoredLimits & { tier: StoredLimits | null };
}

function allowsFor(scopes: Scope[]): CachedSecret["allows"] {
  const authorize = compileScopes(scopes);
  // "read" alone, or "read projects/web": an action has no space, so the first one (if any) starts the resource.
  const allowed = boundedMemo((request) => {
    const space = request.indexOf(" ");
    if (space === -1) return authorize(request as RequestAction, undefined).allowed;
    return authorize(request.slice(0, space) as RequestAction, request.slice(space + 1)).allowed;
  }, 64);
  return (action, resource) => allowed(resource === undefined ? action : `${action} ${resource}`);
}

export function toCachedSecret(row: SecretRow): CachedSecret {
  const { key } = row;
  const scopes: Scope[] = [...key.scopes]
    .sort((a, b) => a.position - b.position)
    .map((s) => ({ action: s.action as ScopeAction, resourceFilter: s.resourceFilter }));
  // A superseded secret without a grace end stopped when it was superseded.
  const endsAt = row.supersededAt === null ? null : (row.validUntil ?? row.supersededAt).getTime();
  const policy = resolvePolicy(key, key.tier);
  return {
    hash: row.secretHash,
    orgId: key.orgId,
    keyId: key.id,
    revokedAt: key.revokedAt,
    expiresAt: key.expiresAt,
    disabled: key.disabledAt !== null,
    endsAt,
    ipAllowed: compileCidrs(key.cidrs.map((c) => c.cidr)),
    allows: allowsFor(scopes),
    // Whom the key serves travels with every valid answer, so the caller needs no second lookup.
    validBody: JSON.stringify({
      valid: true,
      keyId: key.id,
      name: key.name,
      scopes,
      expiresAt: key.expiresAt?.toISOString() ?? null,
      owner: key.owner,
      tags: key.tags.map((t) => t.tag).sort(),
      meta: parseMeta(key.meta),
      // A limited key's answer gets what remains appended per request (limitedAnswer in verifier.ts).
      ...(policy === null ? { ratelimits: [], quota: null } : {}),
    }),
    policy,
  };
}
