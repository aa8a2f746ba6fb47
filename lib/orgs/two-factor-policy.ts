import { DomainError } from "../errors";
import type { Db } from "../db/client";
import { memberEventActor } from "../events/payloads";
import { recordEvent } from "../events/record";
import { recordMemberAudit, type MemberActor } from "../members/actor";
import type { TwoFactorPolicyInput } from "../validations/two-factor";

export async function getTwoFactorPolicy(db: Db, orgId: string): Promise<TwoFactorPolicyInput> {
  const org = await db.organization.findUnique({ where: { id: orgId }, select: { requireTwoFactor: true } });
  if (!org) throw new DomainError("NOT_FOUND", "Organization not found");
  return { requireTwoFactor: org.requireTwoFactor };
}

/**
 * Turns "require two-factor" on or off. When on, members without a second factor (the admin included) are sent
 * to set one up on their next request and can do nothing else until they have.
 */
export async function updateTwoFactorPolicy(db: Db, by: MemberActor, input: TwoFactorPolicyInput) {
  const before = await getTwoFactorPolicy(db, by.orgId);
  if (before.requireTwoFactor === input.requireTwoFactor) return input;
  await db.$transaction(async (tx) => {
    await tx.organization.update({ where: { id: by.orgId }, data: { requireTwoFactor: input.requireTwoFactor } });
    await recordMemberAudit(tx, by, {
      action: "org.two_factor_policy_updated",
      target: { type: "org", id: by.orgId },
      data: { before, after: input },
    });
    await recordEvent(tx, {
      orgId: by.orgId,
      type: "policy.updated",
      payload: { policy: "two_factor", before, after: input, actor: memberEventActor(by) },
    });
  });
  return input;
}
