import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { runAction } from "@/lib/actions/run-action";
import { createKey } from "@/lib/api-keys/create-key";
import * as apiSchemas from "@/lib/api/schemas";
import { renameOrganization } from "@/lib/orgs/rename-organization";
import { auditParamsSchema } from "@/lib/queries/audit";
import { keyListParamsSchema } from "@/lib/queries/key-list-params";
import { keyCursorQuerySchema } from "@/lib/queries/keys-cursor";
import * as auth from "@/lib/validations/auth";
import * as key from "@/lib/validations/key";
import * as member from "@/lib/validations/member";
import * as orgAdmin from "@/lib/validations/org-admin";
import * as org from "@/lib/validations/org";
import * as passkey from "@/lib/validations/passkey";
import * as passwordReset from "@/lib/validations/password-reset";
import * as ratelimits from "@/lib/validations/ratelimits";
import * as review from "@/lib/validations/review";
import * as session from "@/lib/validations/session";
import * as stepUp from "@/lib/validations/step-up";
import * as sso from "@/lib/validations/sso";
import * as twoFactor from "@/lib/validations/two-factor";
import * as notification from "@/lib/validations/notification";
import * as webhook from "@/lib/validations/webhook";
import * as honeytoken from "@/lib/validations/honeytoken";
import { generateSecret } from "@/lib/keys/secret";
import { isValidText, SECRET_IN_TEXT } from "@/lib/validations/text";
import { setUpTestDb, testMeta } from "../support/db";
import { createOrg } from "../support/fixtures";

// Every text field of every input schema refuses text the databases cannot store (a lone surrogate, NUL) on
// its own field, and whatever random text a schema lets through is stored without an unhandled error.

const KEY_ID = "key_ABCDEFGHIJ0123456789";
const TOKEN = "a".repeat(43);
const SOON = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
// WebAuthn responses as @simplewebauthn/browser sends them (base64url fields; the values only need the shape here).
const REGISTRATION = {
  id: "Y3JlZA",
  rawId: "Y3JlZA",
  type: "public-key",
  clientExtensionResults: {},
  response: { clientDataJSON: "e30", attestationObject: "oA", transports: ["internal"] },
};
const ASSERTION = {
  id: "Y3JlZA",
  rawId: "Y3JlZA",
  type: "public-key",
  clientExtensionResults: {},
  response: { clientDataJSON: "e30", authenticatorData: "AA", signature: "AA", userHandle: "dXNy" },
};
// Exported pieces of the schemas below, checked as their fields.
const PARTS = [
  "emailSchema",
  "scopeInputSchema",
  "scopesSchema",
  "cidrsSchema",
  "ownerSchema",
  "tagsSchema",
  "metaSchema",
  "tagFilterSchema",
  "durationSchema",
  "rateLimitSchema",
  "rateLimitsSchema",
  "quotaSchema",
  "refillSchema",
];

/** Each input schema with a valid input. Fields are found by walking the schema, not listed by hand. */
const SCHEMAS: Record<string, [z.ZodType, unknown]> = {
  webhookEndpointSchema: [
    webhook.webhookEndpointSchema,
    { url: "https://example.com/hooks", description: "d", eventTypes: ["key.created"] },
  ],
  webhookEndpointIdSchema: [webhook.webhookEndpointIdSchema, { endpointId: "whe_ABCDEFGHIJ0123456789" }],
  setWebhookEndpointEnabledSchema: [webhook.setWebhookEndpointEnabledSchema, { endpointId: "whe_ABCDEFGHIJ0123456789", enabled: true }],
  resendWebhookDeliverySchema: [webhook.resendWebhookDeliverySchema, { deliveryId: "whd_ABCDEFGHIJ0123456789" }],
  webhookSettingsSchema: [webhook.webhookSettingsSchema, { allowPrivateTargets: false }],
  markNotificationsReadSchema: [notification.markNotificationsReadSchema, { ids: ["ntf_ABCDEFGHIJ0123456789"], all: false }],
  emailAlertsSchema: [notification.emailAlertsSchema, { enabled: false }],
  setupSchema: [auth.setupSchema, { orgName: "Acme", keyPrefix: "kw", email: "ada@example.com", password: "x".repeat(12) }],
  loginSchema: [auth.loginSchema, { email: "ada@example.com", password: "pw" }],
  changePasswordSchema: [auth.changePasswordSchema, { currentPassword: "old", newPassword: "a fresh long passphrase" }],
  createKeySchema: [
    key.createKeySchema,
    {
      name: "n",
      description: "d",
      expiry: { preset: "custom", customAt: SOON },
      scopes: [{ action: "read", resourceFilter: "a" }],
      cidrs: ["10.0.0.0/8"],
      owner: "o",
      tags: ["t"],
      meta: '{"a":1}',
      rateLimits: [{ name: "api", limit: 10, duration: "10s" }],
      tier: "free",
      quota: 100,
      refill: { interval: "daily", amount: 100 },
    },
  ],
  editKeySchema: [
    key.editKeySchema,
    {
      keyId: KEY_ID,
      name: "n",
      description: "d",
      expiry: { preset: "custom", customAt: SOON },
      scopes: [{ action: "read", resourceFilter: "a" }],
      cidrs: ["10.0.0.0/8"],
      owner: "o",
      tags: ["t"],
      meta: '{"a":1}',
      rateLimits: [{ name: "api", limit: 10, duration: "10s" }],
      tier: "free",
      quota: 100,
      refill: { interval: "daily", amount: 100 },
    },
  ],
  tierSchema: [
    ratelimits.tierSchema,
    { name: "pro", rateLimits: [{ name: "api", limit: 10, duration: 1000 }], quota: 5, refill: { interval: "monthly" } },
  ],
  setKeyEnabledSchema: [key.setKeyEnabledSchema, { keyId: KEY_ID, enabled: false }],
  rotateKeySchema: [key.rotateKeySchema, { keyId: KEY_ID, grace: "1h" }],
  revokeContextSchema: [key.revokeContextSchema, { keyId: KEY_ID }],
  editImpactSchema: [key.editImpactSchema, { keyId: KEY_ID, scopes: [{ action: "read", resourceFilter: "a" }], cidrs: ["10.0.0.0/8"] }],
  expireGraceSecretSchema: [key.expireGraceSecretSchema, { keyId: KEY_ID, secretId: "sec_ABCDEFGHIJ0123456789" }],
  revokeKeySchema: [key.revokeKeySchema, { keyId: KEY_ID, confirmName: "n", reason: "r" }],
  bulkRevokeSchema: [key.bulkRevokeSchema, { keyIds: [KEY_ID], confirmation: "revoke 1 key", reason: "r" }],
  inviteMemberSchema: [member.inviteMemberSchema, { email: "ada@example.com", role: "lead" }],
  changeMemberRoleSchema: [member.changeMemberRoleSchema, { memberId: "mem_ABCDEFGHIJ0123456789", role: "lead" }],
  removeMemberSchema: [member.removeMemberSchema, { memberId: "mem_ABCDEFGHIJ0123456789" }],
  revokeInviteSchema: [member.revokeInviteSchema, { inviteId: "inv_ABCDEFGHIJ0123456789" }],
  acceptInviteSchema: [member.acceptInviteSchema, { token: TOKEN, password: "pw" }],
  createOrganizationSchema: [orgAdmin.createOrganizationSchema, { name: "Acme", keyPrefix: "kw" }],
  keyPolicySchema: [
    orgAdmin.keyPolicySchema,
    {
      requireExpiry: true,
      maxLifetimeDays: 30,
      forbidWildcardCidr: true,
      forbidFullAccess: true,
      requireOwner: true,
      requireRateLimit: true,
    },
  ],
  switchOrganizationSchema: [orgAdmin.switchOrganizationSchema, { orgId: "org_ABCDEFGHIJ0123456789" }],
  renameOrganizationSchema: [org.renameOrganizationSchema, { name: "Acme" }],
  scanLeakedTextSchema: [review.scanLeakedTextSchema, { text: "t" }],
  revokeLeakedKeysSchema: [review.revokeLeakedKeysSchema, { keyIds: [KEY_ID], confirmation: "revoke 1 key", reason: "r" }],
  ssoSettingsSchema: [
    sso.ssoSettingsSchema,
    {
      enabled: true,
      issuer: "https://login.example.com",
      clientId: "c",
      clientSecret: "s",
      allowedDomains: "example.com",
      defaultRole: "auditor",
      requireSso: false,
      breakGlassEmail: "",
    },
  ],
  ssoStartSchema: [sso.ssoStartSchema, { identifier: "ada@example.com", next: "/keys" }],
  acceptRiskSchema: [review.acceptRiskSchema, { keyId: KEY_ID, code: "never_expires", justification: "j", until: SOON }],
  secondFactorCodeSchema: [twoFactor.secondFactorCodeSchema, { code: "123456" }],
  totpCodeSchema: [twoFactor.totpCodeSchema, { code: "123 456" }],
  twoFactorPolicySchema: [twoFactor.twoFactorPolicySchema, { requireTwoFactor: true }],
  leakPolicySchema: [orgAdmin.leakPolicySchema, { leakPolicy: "alert" }],
  plantHoneytokenSchema: [honeytoken.plantHoneytokenSchema, { name: "CI config" }],
  removeHoneytokenSchema: [honeytoken.removeHoneytokenSchema, { honeytokenId: "hny_" + "a".repeat(20) }],
  emptySchema: [twoFactor.emptySchema, {}],
  rotateBodySchema: [apiSchemas.rotateBodySchema, { grace: "1h" }],
  revokeBodySchema: [apiSchemas.revokeBodySchema, { reason: "r" }],
  revokeLeakedBodySchema: [apiSchemas.revokeLeakedBodySchema, { text: "t", reason: "r" }],
  keyCursorQuerySchema: [keyCursorQuerySchema, { name: "n", prefix: "kw_live_", cursor: undefined, tag: "t", owner: "o" }],
  keyListParamsSchema: [keyListParamsSchema, { q: "q" }],
  auditParamsSchema: [auditParamsSchema, { actor: "a", action: "b", key: "c", outcome: "denied" }],
  // A discriminated union: each of its options, by the method it names.
  stepUpProofSchema: [stepUp.stepUpProofSchema.options[0], { method: "password", password: "pw" }],
  "stepUpProofSchema (second factor)": [stepUp.stepUpProofSchema.options[1], { method: "second-factor", code: "123456" }],
  "stepUpProofSchema (passkey)": [stepUp.stepUpProofSchema.options[2], { method: "passkey", response: ASSERTION }],
  registrationResponseSchema: [passkey.registrationResponseSchema, REGISTRATION],
  authenticationResponseSchema: [passkey.authenticationResponseSchema, ASSERTION],
  registerPasskeySchema: [passkey.registerPasskeySchema, { name: "Work laptop", response: REGISTRATION }],
  passkeyNameFormSchema: [passkey.passkeyNameFormSchema, { name: "Work laptop" }],
  passkeyAssertionSchema: [passkey.passkeyAssertionSchema, { response: ASSERTION }],
  removePasskeySchema: [passkey.removePasskeySchema, { passkeyId: "pky_ABCDEFGHIJ0123456789" }],
  endSessionSchema: [session.endSessionSchema, { sessionId: "ses_ABCDEFGHIJ0123456789" }],
  endOtherSessionsSchema: [session.endOtherSessionsSchema, {}],
  issuePasswordResetSchema: [passwordReset.issuePasswordResetSchema, { memberId: "mem_ABCDEFGHIJ0123456789" }],
  resetPasswordSchema: [passwordReset.resetPasswordSchema, { token: TOKEN, password: "x".repeat(12), code: "123456" }],
};

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  element?: z.ZodType;
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Paths of the string fields of a schema (array items as index 0). */
function stringPaths(schema: z.ZodType, path: (string | number)[] = []): (string | number)[][] {
  const def = defOf(schema);
  if (def.type === "string") return [path];
  if (def.type === "object") return Object.entries(def.shape!).flatMap(([name, field]) => stringPaths(field, [...path, name]));
  if (def.type === "array") return stringPaths(def.element!, [...path, 0]);
  // z.preprocess is a pipe from a transform (no fields of its own) into the schema that checks the value.
  if (def.type === "pipe") return defOf(def.in!).type === "transform" ? stringPaths(def.out!, path) : stringPaths(def.in!, path);
  if (def.innerType) return stringPaths(def.innerType, path);
  return [];
}

function withValue(base: unknown, path: (string | number)[], value: string): unknown {
  const copy = structuredClone(base) as Record<string | number, unknown>;
  let node = copy;
  for (const step of path.slice(0, -1)) node = (node[step] ??= typeof path[path.indexOf(step) + 1] === "number" ? [] : {}) as typeof node;
  node[path[path.length - 1]] = value;
  return copy;
}

function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === "object" && !(value instanceof Date)) return Object.values(value).flatMap(strings);
  return [];
}

const cases = Object.entries(SCHEMAS).flatMap(([name, [schema, base]]) =>
  stringPaths(schema).map((path) => ({ name, schema, base, path, label: `${name}.${path.join(".")}` })),
);

describe("every text field", () => {
  it("of every exported input schema is covered here", () => {
    const modules = {
      auth,
      key,
      member,
      orgAdmin,
      org,
      review,
      stepUp,
      session,
      passwordReset,
      sso,
      twoFactor,
      passkey,
      webhook,
      notification,
      honeytoken,
      ratelimits,
    };
    const exported = Object.values(modules).flatMap((m) =>
      Object.entries(m)
        .filter(([name, value]) => name.endsWith("Schema") && value && typeof value === "object" && "_zod" in value)
        .filter(([, value]) => defOf(value as z.ZodType).type !== "string" && defOf(value as z.ZodType).type !== "enum")
        .map(([name]) => name),
    );
    expect(exported.filter((name) => !(name in SCHEMAS) && !PARTS.includes(name))).toEqual([]);
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases.map((c) => [c.label, c] as const))("%s refuses a lone surrogate and NUL on its own field", (_label, c) => {
    expect(c.schema.safeParse(c.base).success, `${c.name} base input`).toBe(true);
    for (const bad of ["a\ud800b", "a\udfffb", "a\u0000b"]) {
      const result = c.schema.safeParse(withValue(c.base, c.path, bad));
      if (result.success) {
        // URL-state schemas fall back to a default instead of refusing: the bad text must be gone.
        expect(strings(result.data).every(isValidText), `${c.label} kept ${JSON.stringify(bad)}`).toBe(true);
        expect(["keyListParamsSchema", "auditParamsSchema"]).toContain(c.name);
      } else {
        expect(
          result.error.issues.map((issue) => issue.path.join(".")),
          c.label,
        ).toContain(c.path.join("."));
      }
    }
  });

  // Only these fields may take a pasted secret: their value is never stored as typed (scanned for leaks, or hashed).
  const MAY_HOLD_SECRET = /(^scanLeakedTextSchema\.text|^revokeLeakedBodySchema\.text|[pP]assword)$/;
  const secret = generateSecret({ prefix: "kw", env: "live" }).secret;

  it.each(cases.map((c) => [c.label, c] as const))(
    "%s refuses a pasted API key secret, or is one of the few that may hold one",
    (_label, c) => {
      for (const value of [secret, `see ${secret} in the logs`]) {
        const result = c.schema.safeParse(withValue(c.base, c.path, value));
        if (MAY_HOLD_SECRET.test(c.label)) continue;
        if (result.success) {
          // URL-state schemas fall back instead of refusing: the secret must be gone.
          expect(strings(result.data).join(" "), c.label).not.toContain(secret);
        } else {
          const own = result.error.issues.filter((issue) => issue.path.join(".") === c.path.join("."));
          expect(own.length, c.label).toBeGreaterThan(0);
          // Invalid shape errors (a regex for ids) may come first; free text gets the secret's own message.
          if (own.every((issue) => issue.message !== SECRET_IN_TEXT)) expect(own[0].code, c.label).not.toBe("custom");
        }
      }
    },
  );

  it("passes only storable text, for any string fast-check makes (full Unicode, lone surrogates included)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...cases), fc.string({ unit: "binary", maxLength: 40 }), (c, value) => {
        const result = c.schema.safeParse(withValue(c.base, c.path, value));
        if (result.success) expect(strings(result.data).every(isValidText)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("random text through the schema to the database", async () => {
  const { db } = await setUpTestDb();
  const acme = await createOrg(db);

  it("never ends in an unhandled database error (key create, organization rename)", async () => {
    const text = fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), fc.constantFrom("a\ud800b", "\u0000", "\ud83d", "é\u0301"));
    let stored = 0;
    await fc.assert(
      fc.asyncProperty(text, text, async (name, description) => {
        const input = { name, description, expiry: { preset: "30d" }, scopes: [{ action: "read", resourceFilter: "" }] };
        const created = await runAction(key.createKeySchema, input, (values) => createKey(db, acme.actor, values));
        if (!created.ok) expect(["VALIDATION", "CONFLICT"], created.error).toContain(created.code);
        else stored++;
        const renamed = await runAction(org.renameOrganizationSchema, { name }, (values) =>
          renameOrganization(db, { orgId: acme.orgId, userId: acme.userId, email: acme.email }, values.name, testMeta),
        );
        if (!renamed.ok) expect(renamed.code, renamed.error).toBe("VALIDATION");
      }),
      { numRuns: 60 },
    );
    expect(stored).toBeGreaterThan(0);
  });
});
