import { describe, expect, it } from "vitest";
import { getLeakPolicy, updateLeakPolicy } from "@/lib/orgs/leak-policy";
import { leakPolicySchema } from "@/lib/validations/org-admin";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { adminActor } from "../support/members";

const { db } = await setUpTestDb();

describe("the leak policy", () => {
  it("is revoke by default; a change is audited with before/after and raised as policy.updated in the same transaction", async () => {
    const org = await createOrg(db, { name: "Policy Co", keyPrefix: "pol" });
    expect(await getLeakPolicy(db, org.orgId)).toEqual({ leakPolicy: "revoke" });
    await updateLeakPolicy(db, adminActor(org), { leakPolicy: "alert" });
    expect(await getLeakPolicy(db, org.orgId)).toEqual({ leakPolicy: "alert" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: org.orgId, action: "org.leak_policy_updated" } });
    expect(JSON.parse(audit.data)).toEqual({ before: { leakPolicy: "revoke" }, after: { leakPolicy: "alert" } });
    const event = await db.outboxEvent.findFirstOrThrow({ where: { orgId: org.orgId, type: "policy.updated" } });
    expect(JSON.parse(event.payload)).toEqual({ policy: "leak", before: "revoke", after: "alert" });
    // Saving the same policy again changes nothing and records nothing.
    await updateLeakPolicy(db, adminActor(org), { leakPolicy: "alert" });
    expect(await db.outboxEvent.count({ where: { orgId: org.orgId, type: "policy.updated" } })).toBe(1);
  });

  it("takes only the three policies", () => {
    for (const leakPolicy of ["revoke", "rotate", "alert"]) expect(leakPolicySchema.safeParse({ leakPolicy }).success).toBe(true);
    for (const leakPolicy of ["delete", "", null, "REVOKE"]) expect(leakPolicySchema.safeParse({ leakPolicy }).success).toBe(false);
  });
});
