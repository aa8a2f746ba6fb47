import { recordAudit } from "../audit";
import type { Db } from "../db/client";
import { newId } from "../ids";
import type { KeyActor } from "../api-keys/actor";
import { announceKeyChange, bumpKeysVersion } from "../api-keys/key-changes";
import { limitsView } from "../api-keys/serialize";
import type { TierValues } from "../validations/ratelimits";
import { refuseForPolicy } from "../api-keys/policy-refusal";
import { parseRateLimits } from "./policy";

export type TierView = ReturnType<typeof tierView>;

function tierView(row: {
  id: string;
  name: string;
  rateLimits: string;
  quota: number | null;
  quotaRefill: string | null;
  quotaRefillAmount: number | null;
  quotaSetAt: Date | null;
}) {
  const { tier: _tier, ...limits } = limitsView({ ...row, tier: null });
  return { id: row.id, name: row.name, ...limits };
}

export async function listTiers(db: Db, orgId: string): Promise<TierView[]> {
  return (await db.rateLimitTier.findMany({ where: { orgId }, orderBy: { name: "asc" } })).map(tierView);
}

/**
 * Creates or replaces the organization's tier of this name. Every key on it follows on its next verification
 * here (and within one keysVersion poll on other instances): the tier's limits are part of each key's cached state.
 * A changed quota or refill starts the tier's quota afresh, as on a key.
 */
export async function saveTier(db: Db, by: KeyActor, input: TierValues, now = new Date()): Promise<TierView> {
  const existing = await db.rateLimitTier.findUnique({ where: { orgId_name: { orgId: by.orgId, name: input.name } } });
  if (existing && input.rateLimits.length === 0 && parseRateLimits(existing.rateLimits).length > 0) {
    await assertKeysKeepALimit(db, by, existing.id);
  }
  const quotaRefill = input.quota === null ? null : (input.refill?.interval ?? null);
  const quotaRefillAmount = input.quota === null ? null : (input.refill?.amount ?? null);
  const quotaChanged =
    !existing || existing.quota !== input.quota || existing.quotaRefill !== quotaRefill || existing.quotaRefillAmount !== quotaRefillAmount;
  const data = {
    rateLimits: JSON.stringify(input.rateLimits),
    quota: input.quota,
    quotaRefill,
    quotaRefillAmount,
    quotaSetAt: existing && !quotaChanged ? existing.quotaSetAt : input.quota === null ? null : now,
  };
  const { tier, keyIds } = await db.$transaction(async (tx) => {
    const tier = existing
      ? await tx.rateLimitTier.update({ where: { id: existing.id }, data })
      : await tx.rateLimitTier.create({ data: { id: newId("tier"), orgId: by.orgId, name: input.name, createdAt: now, ...data } });
    const keys = await tx.apiKey.findMany({ where: { tierId: tier.id }, select: { id: true } });
    await bumpKeysVersion(tx, by.orgId);
    await recordAudit(tx, {
      orgId: by.orgId,
      actor: by.actor,
      action: existing ? "tier.updated" : "tier.created",
      target: { type: "tier", id: tier.id },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      at: now,
      data: { ...(existing ? { before: tierView(existing) } : {}), after: tierView(tier), keysOnTier: keys.length },
    });
    return { tier, keyIds: keys.map((k) => k.id) };
  });
  for (const keyId of keyIds) announceKeyChange({ orgId: by.orgId, keyId });
  return tierView(tier);
}

/**
 * Under a policy that requires a rate limit, a tier that some working keys rely on for theirs (they set none of
 * their own) keeps at least one: emptying it would leave those keys breaking the policy without anyone editing them.
 */
async function assertKeysKeepALimit(db: Db, by: KeyActor, tierId: string) {
  const org = await db.organization.findUniqueOrThrow({ where: { id: by.orgId }, select: { policyRequireRateLimit: true } });
  if (!org.policyRequireRateLimit) return;
  const keys = await db.apiKey.findMany({ where: { tierId, revokedAt: null }, select: { rateLimits: true } });
  const relying = keys.filter((k) => parseRateLimits(k.rateLimits).length === 0).length;
  if (relying === 0) return;
  const message = `Your organization's key policy requires a rate limit, and ${relying === 1 ? "1 key relies" : `${relying} keys rely`} on this tier's: keep at least one`;
  await refuseForPolicy(db, by, "tier", { type: "tier", id: tierId }, { rateLimits: message });
}
