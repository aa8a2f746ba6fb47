import type { Db } from "../db/client";
import { DomainError } from "../errors";
import type { NormalizedLimits } from "../validations/key";
import { parseRateLimits } from "./policy";

type Tx = Pick<Db, "rateLimitTier">;

/** The tier's id for a name ("" for none); a name the organization has no tier of is a field error. */
export async function tierIdFor(db: Tx, orgId: string, name: string): Promise<string | null> {
  if (name === "") return null;
  const tier = await db.rateLimitTier.findUnique({ where: { orgId_name: { orgId, name } }, select: { id: true } });
  if (!tier) {
    const message = `There is no tier named "${name}"`;
    throw new DomainError("VALIDATION", message, { tier: message });
  }
  return tier.id;
}

export interface LimitColumns {
  rateLimits?: string;
  tierId?: string | null;
  quota?: number | null;
  quotaRefill?: string | null;
  quotaRefillAmount?: number | null;
  quotaSetAt?: Date | null;
}

/**
 * The columns an edit or a creation writes. Setting the quota or its refill starts the quota afresh at `now`
 * (its counters are per quotaSetAt), so "quota: 500" means 500 credits from now on.
 */
export async function limitColumns(
  db: Tx,
  orgId: string,
  limits: NormalizedLimits,
  now: Date,
  current?: { quota: number | null },
): Promise<LimitColumns> {
  const data: LimitColumns = {};
  if (limits.rateLimits !== undefined) data.rateLimits = limits.rateLimits;
  if (limits.tier !== undefined) data.tierId = await tierIdFor(db, orgId, limits.tier);
  if (limits.quota !== undefined || limits.refill !== undefined) {
    const quota = limits.quota !== undefined ? limits.quota : (current?.quota ?? null);
    if (limits.refill && quota === null)
      throw new DomainError("VALIDATION", "A refill needs a quota", { refill: "A refill needs a quota" });
    data.quota = quota;
    if (limits.refill !== undefined || quota === null) {
      data.quotaRefill = quota === null ? null : (limits.refill?.interval ?? null);
      data.quotaRefillAmount = quota === null ? null : (limits.refill?.amount ?? null);
    }
    data.quotaSetAt = quota === null ? null : now;
  }
  return data;
}

/** Whether a key with these limits (JSON text) on this tier has at least one rate limit, its own or the tier's. */
export async function hasRateLimit(db: Tx, rateLimits: string, tierId: string | null): Promise<boolean> {
  if (parseRateLimits(rateLimits).length > 0) return true;
  if (tierId === null) return false;
  const tier = await db.rateLimitTier.findUnique({ where: { id: tierId }, select: { rateLimits: true } });
  return !!tier && parseRateLimits(tier.rateLimits).length > 0;
}
