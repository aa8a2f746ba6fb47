import type { Db } from "../db/client";
import { HOUR_MS, hourOf } from "../usage/rollup";

export const REVOKE_CONTEXT_DAYS = 7;

export interface RevokeContext {
  keyId: string;
  name: string;
  status: "active" | "expired" | "revoked";
  /** Every request with the key's secrets (allowed or refused) in the last 7 days, from the hourly rollups. */
  requests7d: number;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
}

/** What a person needs to decide whether to revoke a key: how much it is used, and from where it was last used. */
export async function getRevokeContext(db: Db, orgId: string, keyId: string, now = new Date()): Promise<RevokeContext | null> {
  const key = await db.apiKey.findFirst({
    where: { id: keyId, orgId },
    select: { id: true, name: true, revokedAt: true, expiresAt: true, lastUsedAt: true, lastUsedIp: true, lastUsedUserAgent: true },
  });
  if (!key) return null;
  const since = new Date(hourOf(now).getTime() - (REVOKE_CONTEXT_DAYS * 24 - 1) * HOUR_MS);
  const sum = await db.usageRollup.aggregate({ where: { orgId, keyId, hour: { gte: since } }, _sum: { count: true } });
  return {
    keyId: key.id,
    name: key.name,
    status: key.revokedAt ? "revoked" : key.expiresAt && key.expiresAt <= now ? "expired" : "active",
    requests7d: sum._sum.count ?? 0,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: key.lastUsedIp,
    lastUsedUserAgent: key.lastUsedUserAgent,
  };
}
