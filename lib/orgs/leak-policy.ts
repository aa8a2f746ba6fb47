import { DomainError } from "../errors";
import type { Db } from "../db/client";
import { recordEvent } from "../events/record";
import { isLeakPolicy } from "../leaks/policy";
import { recordMemberAudit, type MemberActor } from "../members/actor";
import type { LeakPolicyInput } from "../validations/org-admin";

export async function getLeakPolicy(db: Db, orgId: string): Promise<LeakPolicyInput> {
  const org = await db.organization.findUnique({ where: { id: orgId }, select: { leakPolicy: true } });
  if (!org) throw new DomainError("NOT_FOUND", "Organization not found");
  return { leakPolicy: isLeakPolicy(org.leakPolicy) ? org.leakPolicy : "revoke" };
}

/** What a leak report (GitHub secret scanning) does to the key: revoke it, rotate it, or alert only. */
export async function updateLeakPolicy(db: Db, by: MemberActor, input: LeakPolicyInput) {
  const before = await getLeakPolicy(db, by.orgId);
  if (before.leakPolicy === input.leakPolicy) return input;
  await db.$transaction(async (tx) => {
    await tx.organization.update({ where: { id: by.orgId }, data: { leakPolicy: input.leakPolicy } });
    await recordMemberAudit(tx, by, {
      action: "org.leak_policy_updated",
      target: { type: "org", id: by.orgId },
      data: { before, after: input },
    });
    await recordEvent(tx, {
      orgId: by.orgId,
      type: "policy.updated",
      payload: { policy: "leak", before: before.leakPolicy, after: input.leakPolicy },
    });
  });
  return input;
}
