import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { KEY_POLICY_COLUMNS, type KeyPolicy } from "../api-keys/policy";
import type { Db } from "../db/client";
import { memberEventActor } from "../events/payloads";
import { recordEvent } from "../events/record";
import type { MemberActor } from "../members/actor";
import type { KeyPolicyInput } from "../validations/org-admin";

export function toPolicyInput(policy: KeyPolicy): KeyPolicyInput {
  return {
    requireExpiry: policy.policyRequireExpiry,
    maxLifetimeDays: policy.policyMaxLifetimeDays,
    forbidWildcardCidr: policy.policyForbidWildcardCidr,
    forbidFullAccess: policy.policyForbidFullAccess,
    requireOwner: policy.policyRequireOwner,
    requireRateLimit: policy.policyRequireRateLimit,
  };
}

/**
 * The organization's key policy, and only it: what the key forms are sent (the organization row holds sealed
 * secrets too) and what the create, edit and rotate services check.
 */
export async function readKeyPolicy(db: Pick<Db, "organization">, orgId: string): Promise<KeyPolicy> {
  const policy = await db.organization.findUnique({ where: { id: orgId }, select: KEY_POLICY_COLUMNS });
  if (!policy) throw new DomainError("NOT_FOUND", "Organization not found");
  return policy;
}

/** The same in the settings form's shape. */
export async function getKeyPolicy(db: Db, orgId: string): Promise<KeyPolicyInput> {
  return toPolicyInput(await readKeyPolicy(db, orgId));
}

/**
 * Saves the organization's key policy. Existing keys are left as they are: a policy applies to creates,
 * edits and rotations from now on, and the Review view lists keys that do not meet it.
 */
export async function updateKeyPolicy(db: Db, by: MemberActor, input: KeyPolicyInput) {
  const before = await getKeyPolicy(db, by.orgId);
  const changed = (Object.keys(input) as (keyof KeyPolicyInput)[]).filter((k) => before[k] !== input[k]);
  if (changed.length === 0) return input;
  const diff = {
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, input[k]])),
  };
  await db.$transaction(async (tx) => {
    await tx.organization.update({
      where: { id: by.orgId },
      data: {
        policyRequireExpiry: input.requireExpiry,
        policyMaxLifetimeDays: input.maxLifetimeDays,
        policyForbidWildcardCidr: input.forbidWildcardCidr,
        policyForbidFullAccess: input.forbidFullAccess,
        policyRequireOwner: input.requireOwner,
        policyRequireRateLimit: input.requireRateLimit,
      },
    });
    await recordAudit(tx, {
      orgId: by.orgId,
      actor: { type: "user", id: by.userId, label: by.email },
      action: "org.key_policy_updated",
      target: { type: "org", id: by.orgId },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      data: diff,
    });
    await recordEvent(tx, { orgId: by.orgId, type: "policy.updated", payload: { policy: "keys", ...diff, actor: memberEventActor(by) } });
  });
  return input;
}
