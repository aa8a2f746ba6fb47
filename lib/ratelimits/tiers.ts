import { recordAudit } from "../audit";
import type { Db } from "../db/client";
import { newId } from "../ids";
import type { KeyActor } from "../api-keys/actor";
import { announceKeyChange, bumpKeysVersion } from "../api-keys/key-changes";
import { limitsView } from "../api-keys/serialize";
import type { TierValues } from "../validations/ratelimits";

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
