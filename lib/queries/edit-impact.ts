import type { Db, Prisma } from "../db/client";
import { compileCidrs, compileScopes, isRequestAction, type Scope } from "../keys";
import { ALLOWED_OUTCOME } from "../usage/outcomes";
import { usageRetentionDays } from "../usage/prune";
import { HOUR_MS } from "../usage/rollup";

// What a proposed scope or allowed-IP change would have refused of the key's real traffic: its allowed
// requests of the last 30 days (raw usage events), grouped in SQL by client address and by action/resource,
// then each distinct group checked in JS with the matchers verify itself uses.

export const EDIT_IMPACT_DAYS = 30;
/** The newest raw events examined at most; past it the answer says it is based on a sample. */
export const EDIT_IMPACT_EVENT_LIMIT = 100_000;
/** Addresses named one by one (the rest are counted). */
export const EDIT_IMPACT_TOP = 5;
const DAY_MS = 24 * HOUR_MS;

export interface ProposedAccess {
  scopes?: readonly Scope[];
  cidrs?: readonly string[];
}

export interface RefusedAddress {
  ip: string;
  requests: number;
}

export interface UncoveredScope {
  action: string;
  /** The filter of the current scope that allowed these requests ("" = all resources). */
  resourceFilter: string;
  requests: number;
}

export interface EditImpact {
  /** The window actually examined: 30 days, or less when raw events are kept for less. */
  days: number;
  since: string;
  truncatedByRetention: boolean;
  /** Only the newest EDIT_IMPACT_EVENT_LIMIT events of the window were examined (since `sampledSince`). */
  sampled: boolean;
  sampledSince: string | null;
  /** Allowed requests examined. */
  requests: number;
  /** Client addresses whose allowed requests the new ranges would refuse (null: the ranges do not change). */
  addresses: { count: number; requests: number; top: RefusedAddress[] } | null;
  /** Allowed requests no new scope covers, by the current scope that covered them (null: scopes do not change). */
  scopes: UncoveredScope[] | null;
}

/**
 * The impact of editing a key's scopes and/or allowed IPs, from its recorded traffic. Returns null for a key
 * of another organization. `proposed` fields left undefined are not changing.
 */
export async function getEditImpact(
  db: Db,
  orgId: string,
  keyId: string,
  proposed: ProposedAccess,
  options: { now?: Date; retentionDays?: number; eventLimit?: number } = {},
): Promise<EditImpact | null> {
  const key = await db.apiKey.findFirst({
    where: { id: keyId, orgId },
    select: { scopes: { select: { action: true, resourceFilter: true } } },
  });
  if (!key) return null;
  const now = options.now ?? new Date();
  const retention = options.retentionDays ?? usageRetentionDays();
  const days = Math.min(EDIT_IMPACT_DAYS, retention);
  const since = new Date(now.getTime() - days * DAY_MS);
  const base: Prisma.UsageEventWhereInput = { orgId, keyId, outcome: ALLOWED_OUTCOME, at: { gte: since, lte: now } };
  // The newest events only, past a bound: the boundary is one indexed skip, as in the usage breakdowns.
  const boundary = await db.usageEvent.findFirst({
    where: base,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    skip: (options.eventLimit ?? EDIT_IMPACT_EVENT_LIMIT) - 1,
    select: { at: true, id: true },
  });
  const where: Prisma.UsageEventWhereInput = boundary
    ? { ...base, OR: [{ at: { gt: boundary.at } }, { at: boundary.at, id: { gte: boundary.id } }] }
    : base;

  const [byIp, byRequest] = await Promise.all([
    proposed.cidrs ? db.usageEvent.groupBy({ by: ["ip"], where, _count: { _all: true } }) : null,
    proposed.scopes || !proposed.cidrs ? db.usageEvent.groupBy({ by: ["action", "resource"], where, _count: { _all: true } }) : null,
  ]);
  const requests = (byRequest ?? byIp ?? []).reduce((sum, g) => sum + g._count._all, 0);

  let addresses: EditImpact["addresses"] = null;
  if (proposed.cidrs && byIp) {
    const allowed = compileCidrs(proposed.cidrs.filter((line) => line.trim() !== ""));
    const refused = byIp
      .filter((g): g is typeof g & { ip: string } => g.ip !== null && !allowed(g.ip))
      .map((g) => ({ ip: g.ip, requests: g._count._all }))
      .sort((a, b) => b.requests - a.requests || (a.ip < b.ip ? -1 : 1));
    addresses = {
      count: refused.length,
      requests: refused.reduce((sum, a) => sum + a.requests, 0),
      top: refused.slice(0, EDIT_IMPACT_TOP),
    };
  }

  let scopes: EditImpact["scopes"] = null;
  if (proposed.scopes && byRequest) {
    const before = compileScopes(key.scopes as Scope[]);
    const after = compileScopes(proposed.scopes);
    const uncovered = new Map<string, UncoveredScope>();
    for (const g of byRequest) {
      // A verification without an action checks no scope, so no scope change can refuse it.
      if (!isRequestAction(g.action)) continue;
      const resource = g.resource ?? undefined;
      if (after(g.action, resource).allowed) continue;
      const grant = before(g.action, resource);
      const resourceFilter = grant.allowed ? grant.scope.resourceFilter : (resource ?? "");
      const id = `${g.action} ${resourceFilter}`;
      const entry = uncovered.get(id) ?? { action: g.action, resourceFilter, requests: 0 };
      entry.requests += g._count._all;
      uncovered.set(id, entry);
    }
    scopes = [...uncovered.values()].sort(
      (a, b) => b.requests - a.requests || (a.action + a.resourceFilter < b.action + b.resourceFilter ? -1 : 1),
    );
  }

  return {
    days,
    since: since.toISOString(),
    truncatedByRetention: days < EDIT_IMPACT_DAYS,
    sampled: boundary !== null,
    sampledSince: boundary ? boundary.at.toISOString() : null,
    requests,
    addresses,
    scopes,
  };
}
