// Each key-policy rule, set through the settings service, refuses a violating create through the same
// runAction + createKey path the console action and the API take, with a message naming the rule.
import { describe, expect, it } from "vitest";
import { createKey } from "@/lib/api-keys/create-key";
import { editKey } from "@/lib/api-keys/edit-key";
import { runAction } from "@/lib/actions/run-action";
import { getKeyPolicy, readKeyPolicy, updateKeyPolicy } from "@/lib/orgs/key-policy";
import { createKeySchema, editKeySchema, type CreateKeyInput } from "@/lib/validations/key";
import { keyPolicySchema, type KeyPolicyInput } from "@/lib/validations/org-admin";
import { setUpTestDb } from "../support/db";
import { baseKeyInput, createOrg } from "../support/fixtures";
import { adminActor } from "../support/members";

const { db } = await setUpTestDb();

const NONE: KeyPolicyInput = {
  requireExpiry: false,
  maxLifetimeDays: null,
  forbidWildcardCidr: false,
  forbidFullAccess: false,
  requireOwner: false,
  requireRateLimit: false,
};
const compliant: Partial<CreateKeyInput> = {
  expiry: { preset: "30d" },
  cidrs: ["203.0.113.0/24"],
  owner: "team-a",
  rateLimits: "api=10/1s",
};

const rules: [string, Partial<KeyPolicyInput>, Partial<CreateKeyInput>, string, RegExp][] = [
  ["require expiry", { requireExpiry: true }, { expiry: { preset: "never" } }, "expiry", /requires an expiry date/],
  ["max lifetime", { maxLifetimeDays: 30 }, { expiry: { preset: "90d" } }, "expiry", /limits keys to 30 days/],
  ["max lifetime (no expiry)", { maxLifetimeDays: 30 }, { expiry: { preset: "never" } }, "expiry", /limits keys to 30 days/],
  ["forbid wildcard CIDR (0.0.0.0/0)", { forbidWildcardCidr: true }, { cidrs: ["0.0.0.0/0"] }, "cidrs", /forbids allowing every address/],
  ["forbid wildcard CIDR (::/0)", { forbidWildcardCidr: true }, { cidrs: ["::/0"] }, "cidrs", /forbids allowing every address/],
  [
    "forbid wildcard CIDR (0.0.0.0/1 + 128.0.0.0/1)",
    { forbidWildcardCidr: true },
    { cidrs: ["0.0.0.0/1", "128.0.0.0/1"] },
    "cidrs",
    /forbids allowing every address/,
  ],
  [
    "forbid wildcard CIDR (::/1 + 8000::/1)",
    { forbidWildcardCidr: true },
    { cidrs: ["::/1", "8000::/1"] },
    "cidrs",
    /forbids allowing every address/,
  ],
  ["forbid wildcard CIDR (empty list)", { forbidWildcardCidr: true }, { cidrs: [] }, "cidrs", /forbids allowing every address/],
  [
    "forbid full access",
    { forbidFullAccess: true },
    { scopes: [{ action: "*", resourceFilter: "" }] },
    "scopes",
    /forbids full-access keys/,
  ],
  ["require owner", { requireOwner: true }, { owner: "" }, "owner", /requires an owner/],
  ["require rate limit", { requireRateLimit: true }, { rateLimits: "" }, "rateLimits", /requires a rate limit/],
  ["require rate limit (quota only)", { requireRateLimit: true }, { rateLimits: "", quota: 100 }, "rateLimits", /requires a rate limit/],
];

describe("key policy", () => {
  it.each(rules)("%s refuses a violating create with a message naming the rule", async (_label, rule, violation, field, message) => {
    const org = await createOrg(db);
    await updateKeyPolicy(db, adminActor(org), keyPolicySchema.parse({ ...NONE, ...rule }));
    const before = await db.apiKey.count({ where: { orgId: org.orgId } });
    const result = await runAction(createKeySchema, { ...baseKeyInput, ...compliant, name: "Violator", ...violation }, (i) =>
      createKey(db, org.actor, i),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.code).toBe("VALIDATION");
    expect(result.error).toMatch(/key policy/);
    expect(result.fieldErrors?.[field]).toMatch(message);
    expect(await db.apiKey.count({ where: { orgId: org.orgId } })).toBe(before);

    const ok = await runAction(createKeySchema, { ...baseKeyInput, ...compliant, name: "Compliant" }, (i) => createKey(db, org.actor, i));
    expect(ok.ok).toBe(true);
  });

  it("refuses an edit whose ranges add up to every address", async () => {
    const org = await createOrg(db);
    await updateKeyPolicy(db, adminActor(org), { ...NONE, forbidWildcardCidr: true });
    const made = await runAction(createKeySchema, { ...baseKeyInput, ...compliant, name: "Edited" }, (i) => createKey(db, org.actor, i));
    if (!made.ok) throw new Error(made.error);
    for (const cidrs of [
      ["0.0.0.0/1", "128.0.0.0/1"],
      ["::/1", "8000::/1", "10.0.0.0/8"],
    ]) {
      const edited = await runAction(editKeySchema, { keyId: made.data.key.id, cidrs }, (i) => editKey(db, org.actor, i));
      expect(edited.ok ? null : edited.fieldErrors?.cidrs).toMatch(/forbids allowing every address/);
    }
    expect((await db.keyCidr.findMany({ where: { keyId: made.data.key.id } })).map((c) => c.cidr)).toEqual(["203.0.113.0/24"]);
  });

  it("saves with before/after in the audit log and never touches existing keys", async () => {
    const org = await createOrg(db);
    const open = await runAction(createKeySchema, { ...baseKeyInput, expiry: { preset: "never" } }, (i) => createKey(db, org.actor, i));
    expect(open.ok).toBe(true);
    const keyBefore = await db.apiKey.findFirstOrThrow({ where: { orgId: org.orgId } });
    await updateKeyPolicy(db, adminActor(org), { ...NONE, requireExpiry: true, maxLifetimeDays: 90 });
    expect(await getKeyPolicy(db, org.orgId)).toEqual({ ...NONE, requireExpiry: true, maxLifetimeDays: 90 });
    expect(await db.apiKey.findFirstOrThrow({ where: { orgId: org.orgId } })).toEqual(keyBefore);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: org.orgId, action: "org.key_policy_updated" } });
    expect(JSON.parse(audit.data)).toEqual({
      before: { requireExpiry: false, maxLifetimeDays: null },
      after: { requireExpiry: true, maxLifetimeDays: 90 },
    });
  });

  it("is read alone for the key forms: no other column of the organization row (it holds sealed secrets)", async () => {
    const org = await createOrg(db);
    await updateKeyPolicy(db, adminActor(org), { ...NONE, requireOwner: true, maxLifetimeDays: 30 });
    expect(await readKeyPolicy(db, org.orgId)).toEqual({
      policyRequireExpiry: false,
      policyMaxLifetimeDays: 30,
      policyForbidWildcardCidr: false,
      policyForbidFullAccess: false,
      policyRequireOwner: true,
      policyRequireRateLimit: false,
    });
  });

  it("refuses an edit only for the rules whose fields it changes: a key made before a rule can still be renamed", async () => {
    const org = await createOrg(db);
    const made = await runAction(createKeySchema, { ...baseKeyInput, ...compliant, expiry: { preset: "never" }, name: "Old key" }, (i) =>
      createKey(db, org.actor, i),
    );
    if (!made.ok) throw new Error(made.error);
    await updateKeyPolicy(db, adminActor(org), { ...NONE, maxLifetimeDays: 30 });
    const renamed = await runAction(editKeySchema, { keyId: made.data.key.id, name: "Renamed key" }, (i) => editKey(db, org.actor, i));
    expect(renamed.ok).toBe(true);
    const widened = await runAction(editKeySchema, { keyId: made.data.key.id, expiry: { preset: "90d" } }, (i) =>
      editKey(db, org.actor, i),
    );
    expect(widened.ok ? "saved" : widened.fieldErrors).toEqual({ expiry: expect.stringMatching(/limits keys to 30 days/) });
  });

  it.each([
    [{ ...NONE, maxLifetimeDays: 0 }, "maxLifetimeDays"],
    [{ ...NONE, maxLifetimeDays: 1.5 }, "maxLifetimeDays"],
    [{ ...NONE, maxLifetimeDays: 99_999 }, "maxLifetimeDays"],
    [{ ...NONE, requireExpiry: "yes" }, "requireExpiry"],
  ])("rejects a bad policy %j with a field error", async (input, field) => {
    const org = await createOrg(db);
    const result = await runAction(keyPolicySchema, input, (i) => updateKeyPolicy(db, adminActor(org), i));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(Object.keys(result.fieldErrors ?? {})).toEqual([field]);
    expect(await getKeyPolicy(db, org.orgId)).toEqual(NONE);
  });
});
