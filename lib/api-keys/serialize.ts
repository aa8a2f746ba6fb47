import { parseRateLimits, REFILL_INTERVALS, type RateLimit, type RefillInterval } from "../ratelimits/policy";
import { displaySecret, expiresSoon, keyStatus, type KeyStatus, type Scope, type ScopeAction } from "../keys";

type KeyRow = {
  id: string;
  name: string;
  description: string;
  environment: string;
  displayPrefix: string;
  last4: string;
  createdAt: Date;
  createdByLabel: string;
  updatedAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedByLabel: string | null;
  revokeReason: string | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  disabledAt: Date | null;
  disabledByLabel: string | null;
  owner: string | null;
  meta: string;
  rateLimits?: string;
  quota?: number | null;
  quotaRefill?: string | null;
  quotaRefillAmount?: number | null;
  quotaSetAt?: Date | null;
  tier?: { name: string } | null;
  tags?: { tag: string }[];
  scopes?: { action: string; resourceFilter: string; position: number }[];
  cidrs?: { cidr: string }[];
  secrets?: { id: string; last4: string; createdAt: Date; supersededAt: Date | null; validUntil: Date | null }[];
};

/** What a page, the API or the CLI may see of a key: plain JSON, never a hash or a secret. */
export interface KeyView {
  id: string;
  name: string;
  description: string;
  environment: string;
  display: string;
  status: KeyStatus;
  /** false while disabled: verifications answer DISABLED until it is enabled again (independent of status). */
  enabled: boolean;
  disabledAt: string | null;
  disabledBy: string | null;
  owner: string | null;
  tags: string[];
  meta: Record<string, unknown>;
  /** The key's own named limits (a tier's apply where it has none of the same name). */
  rateLimits: RateLimit[];
  tier: string | null;
  /** Credits per period; null is unlimited (or the tier's). */
  quota: number | null;
  refill: { interval: RefillInterval; amount: number } | null;
  quotaSetAt: string | null;
  expiresSoon: boolean;
  scopes: Scope[];
  cidrs: string[];
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revokedBy: string | null;
  revokeReason: string | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
  secrets?: { id: string; display: string; createdAt: string; supersededAt: string | null; validUntil: string | null; current: boolean }[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The stored meta text (always a JSON object, written through metaSchema). */
export function parseMeta(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A key's (or a tier's) limits as the API, the audit log and the pages show them. */
export function limitsView(row: Pick<KeyRow, "rateLimits" | "quota" | "quotaRefill" | "quotaRefillAmount" | "quotaSetAt" | "tier">) {
  const interval = REFILL_INTERVALS.find((i) => i === row.quotaRefill);
  const quota = row.quota ?? null;
  return {
    rateLimits: parseRateLimits(row.rateLimits ?? "[]"),
    tier: row.tier?.name ?? null,
    quota,
    refill: interval && quota !== null ? { interval, amount: row.quotaRefillAmount ?? quota } : null,
    quotaSetAt: iso(row.quotaSetAt ?? null),
  };
}

export function toKeyView(row: KeyRow, now: Date = new Date()): KeyView {
  const status = keyStatus(row, now);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    environment: row.environment,
    display: displaySecret(row.displayPrefix, row.last4),
    status,
    enabled: row.disabledAt === null,
    disabledAt: iso(row.disabledAt),
    disabledBy: row.disabledAt === null ? null : row.disabledByLabel,
    owner: row.owner,
    tags: (row.tags ?? []).map((t) => t.tag).sort(),
    meta: parseMeta(row.meta),
    ...limitsView(row),
    expiresSoon: status === "active" && expiresSoon(row.expiresAt, now),
    scopes: [...(row.scopes ?? [])]
      .sort((a, b) => a.position - b.position)
      .map((s) => ({ action: s.action as ScopeAction, resourceFilter: s.resourceFilter })),
    cidrs: (row.cidrs ?? []).map((c) => c.cidr),
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdByLabel,
    updatedAt: row.updatedAt.toISOString(),
    expiresAt: iso(row.expiresAt),
    revokedAt: iso(row.revokedAt),
    revokedBy: row.revokedByLabel,
    revokeReason: row.revokeReason,
    lastUsedAt: iso(row.lastUsedAt),
    lastUsedIp: row.lastUsedIp,
    lastUsedUserAgent: row.lastUsedUserAgent,
    secrets: row.secrets
      ?.slice()
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
      .map((s) => ({
        id: s.id,
        display: displaySecret(row.displayPrefix, s.last4),
        createdAt: s.createdAt.toISOString(),
        supersededAt: iso(s.supersededAt),
        validUntil: iso(s.validUntil),
        current: s.supersededAt === null,
      })),
  };
}

export const keyInclude = {
  scopes: { orderBy: { position: "asc" as const } },
  cidrs: true,
  tags: { select: { tag: true } },
  tier: { select: { name: true } },
} as const;

export const keyDetailInclude = { ...keyInclude, secrets: true } as const;
