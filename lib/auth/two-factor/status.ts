import type { Db } from "../../db/client";

/** Whether the member has an active second factor: a confirmed authenticator app or a passkey. */
export async function userHasSecondFactor(db: Pick<Db, "totpFactor" | "passkey">, userId: string): Promise<boolean> {
  if ((await db.totpFactor.count({ where: { userId, confirmedAt: { not: null } } })) > 0) return true;
  return (await db.passkey.count({ where: { userId } })) > 0;
}

export interface MemberFactors {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

/** Each member's second factors, for the members list and the account page. */
export async function factorsOf(
  db: Pick<Db, "totpFactor" | "recoveryCode" | "passkey">,
  userIds: string[],
): Promise<Map<string, MemberFactors>> {
  const [totps, codes, passkeys] = await Promise.all([
    db.totpFactor.findMany({ where: { userId: { in: userIds }, confirmedAt: { not: null } }, select: { userId: true } }),
    db.recoveryCode.groupBy({ by: ["userId"], where: { userId: { in: userIds }, usedAt: null }, _count: { _all: true } }),
    db.passkey.groupBy({ by: ["userId"], where: { userId: { in: userIds } }, _count: { _all: true } }),
  ]);
  const out = new Map(userIds.map((id) => [id, { totp: false, passkeys: 0, recoveryCodesLeft: 0 }]));
  for (const t of totps) out.get(t.userId)!.totp = true;
  for (const c of codes) out.get(c.userId)!.recoveryCodesLeft = c._count._all;
  for (const p of passkeys) out.get(p.userId)!.passkeys = p._count._all;
  return out;
}
