// The permission matrix, called for real: every server action the build exposes, every route handler and every
// page, as each role of an organization (admin, lead, auditor), signed out, and as the admin of another
// organization — over HTTP against the running server (the production build), with real session cookies. A
// refusal must come back with its code and leave every table as it was; an allowed call must succeed.
// Discovery is over the whole checkout ("use server" modules, route and page files wherever they are) and the
// build's own action manifest, so a new action, route or page without an entry here fails.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { ROLES, can, type Permission, type Role } from "@/lib/auth/permissions";
import { createSession, hashSessionToken } from "@/lib/auth/sessions";
import { rotateKey } from "@/lib/api-keys/rotate-key";
import { setKeyEnabled } from "@/lib/api-keys/set-key-enabled";
import { createInvite } from "@/lib/members/invites";
import { createEndpoint, sendTestEvent, setEndpointEnabled } from "@/lib/webhooks/endpoints";
import { issuePasswordReset } from "@/lib/members/password-reset";
import { ensureAppBuilt, startKeyward, type KeywardServer } from "../support/keyward-server";
import { setUpTestDb, testMeta } from "../support/db";
import { baseKeyInput, createOrg, makeKey } from "../support/fixtures";
import { addMember, adminActor } from "../support/members";
import { startOidcProvider, type TestProvider } from "../support/oidc-provider";
import { updateSsoSettings } from "@/lib/sso/settings";
import { ssoSettingsSchema } from "@/lib/validations/sso";
import { totpCode } from "../support/two-factor";
import { newTotpSecret, totpBase32 } from "@/lib/auth/two-factor/totp";
import { sealTotpSecret } from "@/lib/auth/two-factor/secret-box";
import { passkeyAuthenticationOptions } from "@/lib/auth/passkeys/authentication";
import { passkeyRegistrationOptions, registerPasskey } from "@/lib/auth/passkeys/registration";
import { relyingParty } from "@/lib/auth/passkeys/relying-party";
import { newId } from "@/lib/ids";
import { plantHoneytoken } from "@/lib/honeytokens/honeytokens";
import { registrationResponseSchema } from "@/lib/validations/passkey";
import { assert as assertPasskey, createCredential, type SoftCredential } from "../support/passkey-authenticator";
import { builtActions, callAction, expectUnchanged, filesIn, get, plain, root, snapshot, type BuiltAction } from "./http";

type Who = Role | "signed-out" | "other-org";
const WHO: Who[] = [...ROLES, "signed-out", "other-org"];

const ADMIN: Role[] = ["admin"];
const WRITERS: Role[] = ["admin", "lead"];
const ALL: Role[] = ["admin", "lead", "auditor"];

const { db, url } = await setUpTestDb();
const A = await createOrg(db, { name: "Alpha Matrix", keyPrefix: "alpha" });
const B = await createOrg(db, { name: "Bravo Matrix", keyPrefix: "bravo" });
await db.installation.create({ data: { id: 1 } });
const members: Record<Role, { userId: string }> = {
  admin: await addMember(db, A.orgId, "admin"),
  lead: await addMember(db, A.orgId, "lead"),
  auditor: await addMember(db, A.orgId, "auditor"),
};
const otherAdmin = await addMember(db, B.orgId, "admin");
const PASSWORD = "correct horse battery";
const passwordHash = await hashPassword(PASSWORD);
const keyA = await makeKey(db, A.actor, { name: "alpha-matrix-deploy-key" });
// One authenticator secret for every caller: the second-factor entries set it up (pending or active) for each
// candidate caller, as the password entry resets their passwords, so the code they send is valid whoever calls.
const totpSecret = newTotpSecret();
const totpSecretEnc = sealTotpSecret(totpSecret);
const callerIds = () => [...Object.values(members), otherAdmin].map((m) => m.userId);
async function setTotpForCallers(confirmed: boolean) {
  for (const userId of callerIds()) {
    const data = { secretEnc: totpSecretEnc, confirmedAt: confirmed ? new Date() : null, lastUsedStep: null };
    await db.totpFactor.upsert({ where: { userId }, create: { userId, ...data }, update: data });
  }
  await db.loginThrottle.deleteMany({ where: { subject: { startsWith: "2fa:" } } });
  return { code: totpCode(totpBase32(totpSecret)) };
}
const inviteA = await createInvite(db, adminActor(A), { email: "invited-matrix@example.com", role: "auditor" });
const resetMember = await addMember(db, A.orgId, "auditor");
const resetA = await issuePasswordReset(db, adminActor(A), resetMember.memberId);

/**
 * What another organization's admin must never be shown: org A's (current) name, its key's name and display —
 * and A's id, except where B's own audit log records a refusal of a request that named it (the id the caller
 * sent, echoed as the refused target).
 */
async function expectNoDataOfA(body: string, label: string) {
  const { name } = await db.organization.findUniqueOrThrow({ where: { id: A.orgId } });
  const ownRefusalsLeftOut = body
    .split("\n")
    .filter((line) => !line.includes(",action.refused,denied,"))
    .join("\n");
  for (const marker of [name, keyA.key.name, keyA.key.display]) expect(body, `${label} shows org A's data`).not.toContain(marker);
  expect(ownRefusalsLeftOut, `${label} shows org A's id`).not.toContain(A.orgId);
}

let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}-${Date.now().toString(36)}`;

/** The user behind each caller (signed out has none). */
function userOf(who: Who): string | null {
  if (who === "signed-out") return null;
  return who === "other-org" ? otherAdmin.userId : members[who].userId;
}

/** A fresh session for each call, so an action that ends or moves a session cannot affect the next one. */
async function sessionFor(who: Who): Promise<string | undefined> {
  if (who === "signed-out") return undefined;
  if (who === "other-org") return (await createSession(db, otherAdmin.userId, B.orgId, testMeta)).token;
  return (await createSession(db, members[who].userId, A.orgId, testMeta)).token;
}

/** Targets in organization A, made fresh for each call so a successful call never changes the next one's. */
const make = {
  key: async () => (await makeKey(db, A.actor, { name: unique("key") })).key,
  member: async () => (await addMember(db, A.orgId, "auditor")).memberId,
  /** Every caller's account gets the known password (for the actions that check it). */
  knownPasswords: async () =>
    db.user.updateMany({ where: { id: { in: [...Object.values(members), otherAdmin].map((m) => m.userId) } }, data: { passwordHash } }),
  invite: async () => createInvite(db, adminActor(A), { email: `${unique("inv")}@example.com`, role: "auditor" }),
  // A public address literal: allowed without the private-targets setting, and never resolved. The server runs
  // without its dispatcher here (nothing is sent, and no background write changes a snapshot).
  endpoint: async () =>
    (await createEndpoint(db, adminActor(A), { url: `https://93.184.215.14/${unique("hook")}`, description: "", eventTypes: [] })).endpoint,
};

type ActionEntry =
  // authedAction(permission, …): allowed for the roles in `allow`. What another organization's admin gets:
  // the same success in their own organization, or a refusal (or no effect) when the input names A's data.
  | {
      auth: "session";
      permission: Permission;
      allow: Role[];
      /** `who` is the caller, for inputs that name the caller's own data (their sessions). */
      input: (who: Who) => Promise<unknown>;
      otherOrg: "own-org" | "no-effect" | { code: string };
      /**
       * A dangerous action: refused without a fresh step-up. `true`: whatever the input; `{ input }`: only for
       * inputs like this one (the entry's own input must then go through without a step-up).
       */
      stepUp?: true | { input: () => Promise<unknown> };
    }
  // publicAction(…): no session needed (the input itself is the credential); the same answer for everyone.
  | { auth: "public"; why: string; input: () => Promise<unknown>; expect: "ok" | { code: string } }
  // Ends only the caller's own session.
  | { auth: "own-session"; why: string };

const NOT_FOUND = { code: "NOT_FOUND" };

/** Every server action, by "file#export". Each input is valid: a refusal is the permission check's, not the schema's. */
export const ACTION_MATRIX: Record<string, ActionEntry> = {
  "lib/actions/auth/accept-invite.ts#acceptInviteAction": {
    auth: "public",
    why: "the single-use invite token plus the password it sets or proves",
    input: async () => ({ token: (await make.invite()).token, password: PASSWORD }),
    expect: "ok",
  },
  "lib/actions/auth/setup-organization.ts#setupOrganizationAction": {
    auth: "public",
    why: "first run only; refused once installed",
    input: async () => ({ orgName: "Hijack", keyPrefix: "hijack", email: "hijack@example.com", password: "correct horse battery" }),
    expect: { code: "CONFLICT" },
  },
  "lib/actions/auth/sign-in.ts#signInAction": {
    auth: "public",
    why: "email and password, throttled",
    input: async () => {
      const email = `${unique("signin")}@example.com`;
      const user = await db.user.create({ data: { id: unique("usr"), email, passwordHash } });
      await db.membership.create({ data: { id: unique("mem"), orgId: A.orgId, userId: user.id, role: "auditor" } });
      return { email, password: PASSWORD };
    },
    expect: "ok",
  },
  "lib/actions/auth/start-sso.ts#startSsoAction": {
    auth: "public",
    why: "names an organization that uses SSO; answers its provider's URL and keeps the flow's checks server-side",
    input: async () => ({ identifier: ssoOrg.slug }),
    expect: "ok",
  },
  "lib/actions/settings/update-sso-settings.ts#updateSsoSettingsAction": {
    auth: "session",
    permission: "settings:manage",
    allow: ADMIN,
    // A new client id each time, so each call changes something; the issuer is checked by discovery against a real provider.
    input: async () => ssoSettingsInput(unique("client")),
    otherOrg: "own-org",
  },
  "lib/actions/auth/sign-out.ts#signOutAction": { auth: "own-session", why: "deletes the session of the caller's own cookie" },
  "lib/actions/members/change-member-role.ts#changeMemberRoleAction": {
    auth: "session",
    stepUp: true,
    permission: "members:manage",
    allow: ADMIN,
    input: async () => ({ memberId: await make.member(), role: "lead" }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/members/invite-member.ts#inviteMemberAction": {
    auth: "session",
    stepUp: true,
    permission: "members:manage",
    allow: ADMIN,
    input: async () => ({ email: `${unique("new")}@example.com`, role: "auditor" }),
    otherOrg: "own-org",
  },
  "lib/actions/members/remove-member.ts#removeMemberAction": {
    auth: "session",
    stepUp: true,
    permission: "members:manage",
    allow: ADMIN,
    input: async () => ({ memberId: await make.member() }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/members/revoke-invite.ts#revokeInviteAction": {
    auth: "session",
    permission: "members:manage",
    allow: ADMIN,
    input: async () => ({ inviteId: (await make.invite()).inviteId }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/orgs/create-organization.ts#createOrganizationAction": {
    auth: "session",
    permission: "orgs:create",
    allow: ADMIN,
    input: async () => ({ name: unique("Org"), keyPrefix: "neworg" }),
    otherOrg: "own-org",
  },
  "lib/actions/orgs/rename-organization.ts#renameOrganizationAction": {
    auth: "session",
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ name: unique("Renamed") }),
    otherOrg: "own-org",
  },
  "lib/actions/orgs/switch-organization.ts#switchOrganizationAction": {
    auth: "session",
    permission: "orgs:switch",
    allow: ALL,
    input: async () => ({ orgId: A.orgId }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/webhooks/create-webhook-endpoint.ts#createWebhookEndpointAction": {
    auth: "session",
    stepUp: true,
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ url: `https://93.184.215.14/${unique("hook")}`, description: "matrix", eventTypes: ["key.revoked"] }),
    otherOrg: "own-org",
  },
  // Disabling is containment (no step-up); enabling points the events at a URL again (step-up).
  "lib/actions/webhooks/set-webhook-endpoint-enabled.ts#setWebhookEndpointEnabledAction": {
    auth: "session",
    stepUp: {
      input: async () => {
        const endpoint = await make.endpoint();
        await setEndpointEnabled(db, adminActor(A), endpoint.id, false);
        return { endpointId: endpoint.id, enabled: true };
      },
    },
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ endpointId: (await make.endpoint()).id, enabled: false }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/webhooks/delete-webhook-endpoint.ts#deleteWebhookEndpointAction": {
    auth: "session",
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ endpointId: (await make.endpoint()).id }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/webhooks/send-webhook-test.ts#sendWebhookTestAction": {
    auth: "session",
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ endpointId: (await make.endpoint()).id }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/webhooks/resend-webhook-delivery.ts#resendWebhookDeliveryAction": {
    auth: "session",
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ deliveryId: (await sendTestEvent(db, adminActor(A), (await make.endpoint()).id)).deliveryId }),
    otherOrg: NOT_FOUND,
  },
  // Allowing private targets lets webhooks reach the deployment's own network (step-up); refusing them is safe.
  "lib/actions/webhooks/update-webhook-settings.ts#updateWebhookSettingsAction": {
    auth: "session",
    stepUp: { input: async () => ({ allowPrivateTargets: true }) },
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ allowPrivateTargets: false }),
    otherOrg: "own-org",
  },
  // Every member reads their own notifications.
  "lib/actions/notifications/mark-notifications-read.ts#markNotificationsReadAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    input: async () => ({ ids: [], all: true }),
    otherOrg: "own-org",
  },
  "lib/actions/settings/update-leak-policy.ts#updateLeakPolicyAction": {
    auth: "session",
    stepUp: true,
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ leakPolicy: (["alert", "rotate", "revoke"] as const)[counter++ % 3] }),
    otherOrg: "own-org",
  },
  // A canary is planted by whoever may create keys, and removed (with a fresh proof) by whoever may revoke them.
  "lib/actions/honeytokens/plant-honeytoken.ts#plantHoneytokenAction": {
    auth: "session",
    permission: "keys:create",
    allow: WRITERS,
    input: async () => ({ name: unique("canary") }),
    otherOrg: "own-org",
  },
  "lib/actions/honeytokens/remove-honeytoken.ts#removeHoneytokenAction": {
    auth: "session",
    stepUp: true,
    permission: "keys:revoke",
    allow: WRITERS,
    input: async () => ({ honeytokenId: (await plantHoneytoken(db, adminActor(A), { name: unique("canary") })).honeytoken.id }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/settings/update-key-policy.ts#updateKeyPolicyAction": {
    auth: "session",
    stepUp: true,
    permission: "settings:manage",
    allow: ADMIN,
    // A policy every other entry's key still satisfies; a new lifetime each time, so each call changes something.
    input: async () => ({
      requireExpiry: false,
      maxLifetimeDays: 1000 + counter++,
      forbidWildcardCidr: false,
      forbidFullAccess: false,
      requireOwner: false,
      requireRateLimit: false,
    }),
    otherOrg: "own-org",
  },
  "lib/actions/settings/save-tier.ts#saveTierAction": {
    auth: "session",
    permission: "settings:manage",
    allow: ADMIN,
    // A tier of its own per call, so each call changes something and no other entry's key is affected.
    input: async () => ({ name: `tier-${counter++}`, rateLimits: [{ name: "api", limit: 1000, duration: "1m" }] }),
    otherOrg: "own-org",
  },
  "lib/actions/keys/create-key.ts#createKeyAction": {
    auth: "session",
    stepUp: {
      input: async () => ({ ...baseKeyInput, name: unique("created-admin"), scopes: [{ action: "admin", resourceFilter: "keys/**" }] }),
    },
    permission: "keys:create",
    allow: WRITERS,
    input: async () => ({ ...baseKeyInput, name: unique("created") }),
    otherOrg: "own-org",
  },
  "lib/actions/keys/edit-key.ts#editKeyAction": {
    auth: "session",
    stepUp: { input: async () => ({ keyId: (await make.key()).id, scopes: [{ action: "*", resourceFilter: "" }] }) },
    permission: "keys:edit",
    allow: WRITERS,
    input: async () => ({ keyId: (await make.key()).id, description: "edited by the matrix", cidrs: ["10.0.0.0/8"] }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/keys/rotate-key.ts#rotateKeyAction": {
    auth: "session",
    stepUp: { input: async () => ({ keyId: (await make.key()).id, grace: "none" }) },
    permission: "keys:rotate",
    allow: WRITERS,
    input: async () => ({ keyId: (await make.key()).id, grace: "1h" }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/account/change-password.ts#changePasswordAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    // Each caller changes their own password: every candidate caller starts from the same known one.
    input: async () => {
      await db.user.updateMany({
        where: { id: { in: [...Object.values(members), otherAdmin].map((m) => m.userId) } },
        data: { passwordHash },
      });
      return { currentPassword: PASSWORD, newPassword: `Matrix ${unique("pw")} quartz lantern` };
    },
    otherOrg: "own-org",
  },
  "lib/actions/account/confirm-identity.ts#confirmIdentityAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    input: async () => {
      await make.knownPasswords();
      return { method: "password", password: PASSWORD };
    },
    otherOrg: "own-org",
  },
  "lib/actions/account/end-session.ts#endSessionAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    // One of the caller's own other sessions (signed out: anyone's, refused all the same).
    input: async (who) => {
      const userId = userOf(who) ?? members.admin.userId;
      await createSession(db, userId, null, testMeta);
      const session = await db.session.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" } });
      return { sessionId: session.id };
    },
    otherOrg: "own-org",
  },
  "lib/actions/account/end-other-sessions.ts#endOtherSessionsAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    input: async () => ({}),
    otherOrg: "own-org",
  },
  // Every member chooses whether they get alert emails.
  "lib/actions/account/set-email-alerts.ts#setEmailAlertsAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    input: async () => ({ enabled: counter++ % 2 === 0 }),
    otherOrg: "own-org",
  },
  "lib/actions/members/issue-password-reset.ts#issuePasswordResetAction": {
    auth: "session",
    stepUp: true,
    permission: "members:manage",
    allow: ADMIN,
    input: async () => ({ memberId: await make.member() }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/auth/reset-password.ts#resetPasswordAction": {
    auth: "public",
    why: "the single-use, one-hour reset token an admin issued, throttled per address",
    input: async () => {
      const member = await addMember(db, A.orgId, "auditor");
      const { token } = await issuePasswordReset(db, adminActor(A), member.memberId);
      return { token, password: `Reset ${unique("pw")} quartz lantern` };
    },
    expect: "ok",
  },
  "lib/actions/auth/verify-sign-in-code.ts#verifySignInCodeAction": {
    auth: "public",
    why: "the pending sign-in cookie a correct password sets, plus the code; without that cookie, nothing",
    input: async () => ({ code: "123456" }),
    expect: { code: "UNAUTHENTICATED" },
  },
  // Setting up a second factor is every member's, and the one action a require-two-factor policy leaves open.
  "lib/actions/account/start-totp-enrolment.ts#startTotpEnrolmentAction": {
    auth: "session",
    permission: "two-factor:enrol",
    allow: ALL,
    input: async () => {
      await db.totpFactor.deleteMany({ where: { userId: { in: callerIds() } } });
      return {};
    },
    otherOrg: "own-org",
  },
  "lib/actions/account/confirm-totp-enrolment.ts#confirmTotpEnrolmentAction": {
    auth: "session",
    permission: "two-factor:enrol",
    allow: ALL,
    input: () => setTotpForCallers(false),
    otherOrg: "own-org",
  },
  // Changing the factors takes a current code.
  "lib/actions/account/remove-totp.ts#removeTotpAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    input: () => setTotpForCallers(true),
    otherOrg: "own-org",
  },
  "lib/actions/account/regenerate-recovery-codes.ts#regenerateRecoveryCodesAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    input: () => setTotpForCallers(true),
    otherOrg: "own-org",
  },
  // Turning it on (each call starts from off: see the reset after each action case).
  "lib/actions/settings/update-two-factor-policy.ts#updateTwoFactorPolicyAction": {
    auth: "session",
    permission: "settings:manage",
    allow: ADMIN,
    input: async () => ({ requireTwoFactor: true }),
    otherOrg: "own-org",
  },
  "lib/actions/keys/expire-grace-secret.ts#expireGraceSecretAction": {
    auth: "session",
    stepUp: true,
    permission: "keys:revoke",
    allow: WRITERS,
    input: async () => {
      const key = await make.key();
      await rotateKey(db, A.actor, { keyId: key.id, grace: "1h" });
      const old = await db.keySecret.findFirstOrThrow({ where: { keyId: key.id, supersededAt: { not: null } } });
      return { keyId: key.id, secretId: old.id };
    },
    otherOrg: NOT_FOUND,
  },
  // Disabling is containment (no step-up); enabling opens access again (step-up).
  "lib/actions/keys/set-key-enabled.ts#setKeyEnabledAction": {
    auth: "session",
    stepUp: {
      input: async () => {
        const key = await make.key();
        await setKeyEnabled(db, A.actor, { keyId: key.id, enabled: false });
        return { keyId: key.id, enabled: true };
      },
    },
    permission: "keys:revoke",
    allow: WRITERS,
    input: async () => ({ keyId: (await make.key()).id, enabled: false }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/keys/revoke-key.ts#revokeKeyAction": {
    auth: "session",
    stepUp: true,
    permission: "keys:revoke",
    allow: WRITERS,
    input: async () => {
      const key = await make.key();
      return { keyId: key.id, confirmName: key.name, reason: "matrix" };
    },
    otherOrg: NOT_FOUND,
  },
  // Per-key outcomes: another organization's key is reported "not found", in a successful reply.
  "lib/actions/keys/bulk-revoke-keys.ts#bulkRevokeKeysAction": {
    auth: "session",
    stepUp: true,
    permission: "keys:revoke",
    allow: WRITERS,
    input: async () => ({ keyIds: [(await make.key()).id, (await make.key()).id], confirmation: "revoke 2 keys" }),
    otherOrg: "no-effect",
  },
  "lib/actions/review/revoke-leaked-keys.ts#revokeLeakedKeysAction": {
    auth: "session",
    stepUp: true,
    permission: "keys:revoke",
    allow: WRITERS,
    input: async () => ({ keyIds: [(await make.key()).id], confirmation: "revoke 1 key" }),
    otherOrg: "no-effect",
  },
  // Read-only: the revoke dialog's context (requests in 7 days, last use).
  "lib/actions/keys/get-revoke-context.ts#getRevokeContextAction": {
    auth: "session",
    permission: "keys:revoke",
    allow: WRITERS,
    input: async () => ({ keyId: keyA.key.id }),
    otherOrg: NOT_FOUND,
  },
  // Read-only: what a proposed scope/allowed-IP change would have refused of the key's recorded traffic.
  "lib/actions/keys/preview-edit-impact.ts#previewEditImpactAction": {
    auth: "session",
    permission: "keys:edit",
    allow: WRITERS,
    input: async () => ({ keyId: keyA.key.id, scopes: [{ action: "read", resourceFilter: "nothing/**" }], cidrs: ["10.0.0.0/8"] }),
    otherOrg: NOT_FOUND,
  },
  "lib/actions/review/accept-risk.ts#acceptRiskAction": {
    auth: "session",
    permission: "keys:edit",
    allow: WRITERS,
    input: async () => ({
      keyId: (await make.key()).id,
      code: "never_expires",
      justification: "break-glass key, owned by the on-call lead",
      until: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10),
    }),
    otherOrg: NOT_FOUND,
  },
  // Read-only: matches pasted text against the organization's key hashes, changes nothing.
  "lib/actions/review/scan-leaked-text.ts#scanLeakedTextAction": {
    auth: "session",
    permission: "review:read",
    allow: ALL,
    input: async () => ({ text: `leaked: ${(await makeKey(db, A.actor, { name: unique("leaked") })).secret}` }),
    otherOrg: "no-effect",
  },
  // Passkeys. Adding one adds a way to sign in without the password, so it takes a fresh step-up; its answer is a
  // real WebAuthn response (a software authenticator) to a challenge bound to the caller's newest session.
  "lib/actions/account/start-passkey-registration.ts#startPasskeyRegistrationAction": {
    auth: "session",
    stepUp: true,
    permission: "two-factor:enrol",
    allow: ALL,
    input: async () => ({}),
    otherOrg: "own-org",
  },
  "lib/actions/account/register-passkey.ts#registerPasskeyAction": {
    auth: "session",
    stepUp: true,
    permission: "two-factor:enrol",
    allow: ALL,
    input: (who) => passkeyRegistrationInput(userOf(who) ?? members.admin.userId),
    otherOrg: "own-org",
  },
  "lib/actions/account/remove-passkey.ts#removePasskeyAction": {
    auth: "session",
    stepUp: true,
    permission: "account:manage",
    allow: ALL,
    input: async (who) => ({ passkeyId: await storedPasskeyFor(userOf(who) ?? members.admin.userId) }),
    otherOrg: "own-org",
  },
  // Read-only but for a stored challenge: the step-up dialog's passkey options, for the caller's own passkeys.
  "lib/actions/account/start-passkey-step-up.ts#startPasskeyStepUpAction": {
    auth: "session",
    permission: "account:manage",
    allow: ALL,
    input: async (who) => {
      await storedPasskeyFor(userOf(who) ?? members.admin.userId);
      return {};
    },
    otherOrg: "own-org",
  },
  "lib/actions/auth/start-passkey-sign-in.ts#startPasskeySignInAction": {
    auth: "public",
    why: "a challenge any registered passkey may answer; it opens nothing by itself",
    input: async () => ({}),
    expect: "ok",
  },
  "lib/actions/auth/sign-in-with-passkey.ts#signInWithPasskeyAction": {
    auth: "public",
    why: "a passkey's signed, user-verified answer to the challenge the server gave this browser (its cookie); an answer without that cookie, nothing",
    input: () => passwordlessSignInInput(),
    expect: { code: "UNAUTHENTICATED" },
  },
  "lib/actions/auth/start-passkey-second-factor.ts#startPasskeySecondFactorAction": {
    auth: "public",
    why: "the pending sign-in cookie a correct password sets; without that cookie, nothing",
    input: async () => ({}),
    expect: { code: "UNAUTHENTICATED" },
  },
  "lib/actions/auth/verify-sign-in-passkey.ts#verifySignInPasskeyAction": {
    auth: "public",
    why: "the pending sign-in cookie a correct password sets, plus the passkey's answer; without that cookie, nothing",
    input: async () => {
      const { credential } = createCredential(
        { challenge: "c2lnbi1pbg", rp: { id: "127.0.0.1" }, user: { id: "usr_x" } },
        { origin: "http://127.0.0.1" },
      );
      return { response: assertPasskey(credential, { challenge: "c2lnbi1pbg" }, { origin: "http://127.0.0.1" }) };
    },
    expect: { code: "UNAUTHENTICATED" },
  },
};

/** The software credentials behind the passkeys the entries make, by credential id (for a step-up with one). */
const softCredentials = new Map<string, SoftCredential>();

/** The relying party the running server is, as it derives it from the request's Host. */
const serverRp = () => relyingParty(new URL(server.url).host, { secure: false }, {} as NodeJS.ProcessEnv);

/** A registration answer (software authenticator) to a challenge issued to the user's newest session. */
async function passkeyRegistrationInput(userId: string) {
  const session = await db.session.findFirstOrThrow({ where: { userId }, orderBy: { createdAt: "desc" } });
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  const rp = serverRp();
  const options = await passkeyRegistrationOptions(db, user, session.id, rp);
  const { credential, response } = createCredential(options, { origin: rp.origin });
  softCredentials.set(credential.id, credential);
  return { name: unique("passkey"), response };
}

/** A passkey row for the user (a real public key; enough to list, offer and remove). */
async function storedPasskeyFor(userId: string): Promise<string> {
  const { credential } = createCredential(
    { challenge: "eA", rp: { id: "127.0.0.1" }, user: { id: userId } },
    { origin: "http://127.0.0.1" },
  );
  softCredentials.set(credential.id, credential);
  const id = newId("pky");
  await db.passkey.create({
    data: {
      id,
      userId,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKeyCose).toString("base64url"),
      name: unique("passkey"),
      deviceType: "singleDevice",
    },
  });
  return id;
}

/** A new member of A with a registered passkey, and its answer to a fresh passwordless sign-in challenge. */
async function passwordlessSignInInput() {
  const m = await addMember(db, A.orgId, "auditor");
  const session = await db.session.findFirstOrThrow({ where: { tokenHash: hashSessionToken(m.token) } });
  const rp = serverRp();
  const user = { id: m.userId, email: m.email };
  const options = await passkeyRegistrationOptions(db, user, session.id, rp);
  const { credential, response } = createCredential(options, { origin: rp.origin });
  await registerPasskey(db, user, session.id, { name: "matrix", response: registrationResponseSchema.parse(response) }, rp, testMeta);
  const signIn = await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, rp);
  return { response: assertPasskey(credential, signIn, { origin: rp.origin }) };
}

type Expected = { status: number; location?: RegExp };
const OK: Expected = { status: 200 };
// Signed out: to sign-in, coming back to the page afterwards (the default landing page needs no ?next=).
const TO_LOGIN: Expected = { status: 307, location: /\/login(\?next=%2F[^&]*)?$/ };
const TO_KEYS: Expected = { status: 307, location: /\/keys$/ };

/** A console page: signed out → /login; the organization's roles by `allow`; another org's admin sees their own (or 404 for A's key). */
function consolePage(allow: Role[], aKeyInUrl = false): Record<Who, Expected> {
  return {
    admin: allow.includes("admin") ? OK : { status: 403 },
    lead: allow.includes("lead") ? OK : { status: 403 },
    auditor: allow.includes("auditor") ? OK : { status: 403 },
    "signed-out": TO_LOGIN,
    "other-org": aKeyInUrl ? { status: 404 } : OK,
  };
}
const same = (expected: Expected): Record<Who, Expected> => Object.fromEntries(WHO.map((w) => [w, expected])) as Record<Who, Expected>;

/** Every page, by file; `url` fills the dynamic segments with organization A's data. */
export const PAGE_MATRIX: Record<string, { url: string; expect: Record<Who, Expected>; credential?: string }> = {
  "app/page.tsx": { url: "/", expect: { ...same(TO_KEYS), "signed-out": TO_LOGIN } },
  "app/(auth)/login/page.tsx": { url: "/login", expect: { ...same(TO_KEYS), "signed-out": OK } },
  "app/(auth)/setup/page.tsx": { url: "/setup", expect: same(TO_LOGIN) },
  // The second step of signing in: only for a browser holding a pending sign-in; a signed-in one goes on.
  "app/(auth)/login/two-factor/page.tsx": { url: "/login/two-factor", expect: { ...same(TO_KEYS), "signed-out": TO_LOGIN } },
  // Where a require-two-factor policy sends a member without one (see its own tests below); others go on.
  "app/(auth)/two-factor/setup/page.tsx": { url: "/two-factor/setup", expect: { ...same(TO_KEYS), "signed-out": TO_LOGIN } },
  "app/(auth)/invite/[token]/page.tsx": {
    url: `/invite/${inviteA.token}`,
    expect: same(OK),
    credential: "the invite token: whoever holds it is shown the organization it joins",
  },
  "app/(console)/keys/page.tsx": { url: "/keys", expect: consolePage(ALL) },
  "app/(console)/keys/new/page.tsx": { url: "/keys/new", expect: consolePage(WRITERS) },
  "app/(console)/keys/[id]/page.tsx": { url: `/keys/${keyA.key.id}`, expect: consolePage(ALL, true) },
  "app/(console)/keys/[id]/edit/page.tsx": { url: `/keys/${keyA.key.id}/edit`, expect: consolePage(WRITERS, true) },
  "app/(console)/usage/page.tsx": { url: "/usage", expect: consolePage(ALL) },
  "app/(console)/review/page.tsx": { url: "/review", expect: consolePage(ALL) },
  "app/(console)/audit/page.tsx": { url: "/audit", expect: consolePage(ALL) },
  "app/(console)/settings/page.tsx": { url: "/settings", expect: consolePage(ALL) },
  "app/(console)/settings/organizations/new/page.tsx": { url: "/settings/organizations/new", expect: consolePage(ADMIN) },
  "app/(console)/settings/webhooks/page.tsx": { url: "/settings/webhooks", expect: consolePage(ADMIN) },
  "app/(console)/api-reference/page.tsx": { url: "/api-reference", expect: consolePage(ALL) },
  "app/(console)/account/page.tsx": { url: "/account", expect: consolePage(ALL) },
  "app/(auth)/reset-password/[token]/page.tsx": {
    url: `/reset-password/${resetA.token}`,
    expect: same(OK),
    credential: "the reset token: whoever holds it is shown whose password it sets",
  },
};

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
/** Every route handler, by file. `client`: a same-origin browser fetch (console routes) or a plain client (the API). */
export const ROUTE_MATRIX: Record<
  string,
  { url: string; methods: Method[]; client: "browser" | "plain"; expect: Record<Who, Expected>; why?: string }
> = {
  // The management API takes a bearer key only: a console session cookie is not a credential there.
  "app/api/v1/keys/route.ts": { url: "/api/v1/keys", methods: ["GET", "POST"], client: "plain", expect: same({ status: 401 }) },
  "app/api/v1/tiers/route.ts": { url: "/api/v1/tiers", methods: ["GET", "POST"], client: "plain", expect: same({ status: 401 }) },
  "app/api/v1/keys/[id]/route.ts": {
    url: `/api/v1/keys/${keyA.key.id}`,
    methods: ["GET", "PATCH"],
    client: "plain",
    expect: same({ status: 401 }),
  },
  "app/api/v1/keys/[id]/revoke/route.ts": {
    url: `/api/v1/keys/${keyA.key.id}/revoke`,
    methods: ["POST"],
    client: "plain",
    expect: same({ status: 401 }),
  },
  "app/api/v1/keys/[id]/disable/route.ts": {
    url: `/api/v1/keys/${keyA.key.id}/disable`,
    methods: ["POST"],
    client: "plain",
    expect: same({ status: 401 }),
  },
  "app/api/v1/keys/[id]/enable/route.ts": {
    url: `/api/v1/keys/${keyA.key.id}/enable`,
    methods: ["POST"],
    client: "plain",
    expect: same({ status: 401 }),
  },
  "app/api/v1/keys/[id]/rotate/route.ts": {
    url: `/api/v1/keys/${keyA.key.id}/rotate`,
    methods: ["POST"],
    client: "plain",
    expect: same({ status: 401 }),
  },
  "app/api/v1/keys/[id]/usage/route.ts": {
    url: `/api/v1/keys/${keyA.key.id}/usage`,
    methods: ["GET"],
    client: "plain",
    expect: same({ status: 401 }),
  },
  "app/api/v1/keys/revoke-leaked/route.ts": {
    url: "/api/v1/keys/revoke-leaked",
    methods: ["POST"],
    client: "plain",
    expect: same({ status: 401 }),
  },
  // GitHub's secret scanning reports: only a body signed by one of GitHub's published keys is read.
  "app/api/v1/secret-scanning/github/route.ts": {
    url: "/api/v1/secret-scanning/github",
    methods: ["POST"],
    client: "plain",
    expect: same({ status: 401 }),
  },
  "app/api/v1/whoami/route.ts": { url: "/api/v1/whoami", methods: ["GET"], client: "plain", expect: same({ status: 401 }) },
  "app/api/demo/echo/route.ts": { url: "/api/demo/echo", methods: ["GET", "POST"], client: "plain", expect: same({ status: 401 }) },
  "app/api/v1/openapi.json/route.ts": {
    url: "/api/v1/openapi.json",
    methods: ["GET"],
    client: "plain",
    expect: same(OK),
    why: "the API description, no data",
  },
  "app/api/bench/constant/route.ts": {
    url: "/api/bench/constant",
    methods: ["POST"],
    client: "plain",
    expect: same({ status: 404 }),
    why: "off unless KEYWARD_BENCH=1",
  },
  "app/(console)/keys/[id]/activity/route.ts": {
    url: `/keys/${keyA.key.id}/activity`,
    methods: ["GET"],
    client: "browser",
    expect: consoleRoute(true),
  },
  "app/sso/callback/route.ts": {
    url: "/sso/callback?code=garbage&state=garbage",
    methods: ["GET"],
    client: "plain",
    expect: same({ status: 303 }),
    why: "the provider's redirect back: public; anything not matching a flow this browser started is a refusal (to /login)",
  },
  "app/(console)/audit/export/route.ts": { url: "/audit/export", methods: ["GET"], client: "browser", expect: consoleRoute(false) },
  "app/(console)/usage/export/route.ts": { url: "/usage/export", methods: ["GET"], client: "browser", expect: consoleRoute(false) },
  "app/(console)/usage/data/route.ts": {
    url: `/usage/data?keyId=${keyA.key.id}`,
    methods: ["GET"],
    client: "browser",
    expect: consoleRoute(true),
  },
};

function consoleRoute(aKeyInUrl: boolean): Record<Who, Expected> {
  return { admin: OK, lead: OK, auditor: OK, "signed-out": { status: 401 }, "other-org": aKeyInUrl ? { status: 404 } : OK };
}

// Discovery over the whole checkout: pages and route handlers wherever Next would serve them from (app/, src/app/,
// and the Pages Router's pages/, should one appear), and any module or function marked "use server" anywhere.
const SOURCE = /\.(ts|tsx|js|jsx|mjs|cjs|mts|cts)$/;
const sources = filesIn(".", (f) => SOURCE.test(f) && !f.startsWith("tests/") && !f.startsWith("e2e/"));
const served = (f: string) => /^(src\/)?(app|pages)\//.test(f);
const pageFiles = sources.filter((f) => served(f) && (/\/page\.(tsx|ts|jsx|js)$/.test(f) || /^(src\/)?pages\//.test(f)));
const routeFiles = sources.filter((f) => served(f) && /\/route\.(ts|js)$/.test(f));
const useServerFiles = sources.filter((f) => /^\s*["']use server["']/m.test(readFileSync(path.join(root, f), "utf8")));
const useServerExports = useServerFiles.flatMap((f) =>
  [...readFileSync(path.join(root, f), "utf8").matchAll(/^export\s+(?:async\s+)?(?:function|const|let)\s+(\w+)/gm)].map(
    (m) => `${f}#${m[1]}`,
  ),
);

const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
function exportedMethods(file: string): string[] {
  const source = readFileSync(path.join(root, file), "utf8");
  return HTTP_METHODS.filter((m) =>
    new RegExp(`^export\\s+(?:async\\s+)?(?:function|const)\\s+${m}\\b|^export\\s*\\{[^}]*\\b${m}\\b`, "m").test(source),
  );
}

// A real OpenID provider for the SSO actions (the settings are checked by discovery; sign-in starts at it).
const ssoOrgRow = await createOrg(db, { name: "Charlie Matrix", keyPrefix: "charlie" });
const ssoOrg = await db.organization.findUniqueOrThrow({ where: { id: ssoOrgRow.orgId } });
let provider: TestProvider;
const ssoSettingsInput = (clientId: string) => ({
  enabled: true,
  issuer: provider.issuer,
  clientId,
  clientSecret: "matrix-client-secret",
  allowedDomains: "",
  defaultRole: "auditor",
  requireSso: false,
  breakGlassEmail: "",
});

let server: KeywardServer;
let actions: BuiltAction[] = [];
beforeAll(async () => {
  process.env.KEYWARD_SSO_ALLOW_HTTP_ISSUER = "1";
  provider = await startOidcProvider({ clients: [] });
  await updateSsoSettings(db, adminActor(ssoOrgRow), ssoSettingsSchema.parse(ssoSettingsInput("matrix-client")));
  await ensureAppBuilt();
  actions = builtActions();
  server = await startKeyward({ databaseUrl: url, env: { KEYWARD_SSO_ALLOW_HTTP_ISSUER: "1", KEYWARD_DISPATCH: "0" } });
});
afterAll(async () => {
  await server?.stop();
  await provider?.stop();
});

describe("discovery: everything callable has an entry", () => {
  it("finds the actions, routes and pages", () => {
    expect(useServerExports.length).toBeGreaterThanOrEqual(20);
    expect(routeFiles.length).toBeGreaterThanOrEqual(12);
    expect(pageFiles.length).toBeGreaterThanOrEqual(14);
  });

  it('every export of a "use server" module, and every action in the build, is in ACTION_MATRIX', () => {
    const built = actions.map((a) => `${a.file}#${a.name}`);
    expect([...new Set([...useServerExports, ...built])].filter((a) => !ACTION_MATRIX[a]).sort(), "add these to ACTION_MATRIX").toEqual([]);
    expect(
      Object.keys(ACTION_MATRIX).filter((a) => !built.includes(a)),
      "in the matrix but not callable in the build",
    ).toEqual([]);
  });

  it("every route handler, with each method it exports, is in ROUTE_MATRIX", () => {
    expect(routeFiles.filter((f) => !ROUTE_MATRIX[f]).sort(), "add these to ROUTE_MATRIX").toEqual([]);
    expect(Object.keys(ROUTE_MATRIX).filter((f) => !routeFiles.includes(f))).toEqual([]);
    for (const file of routeFiles)
      expect(exportedMethods(file), file).toEqual(
        [...ROUTE_MATRIX[file].methods].sort((a, b) => HTTP_METHODS.indexOf(a) - HTTP_METHODS.indexOf(b)),
      );
  });

  it("each entry's allow list is what the role table gives its permission", () => {
    for (const [key, entry] of Object.entries(ACTION_MATRIX)) {
      if (entry.auth === "session")
        expect(
          ROLES.filter((role) => can(role, entry.permission)),
          key,
        ).toEqual(entry.allow);
    }
  });

  it("every page is in PAGE_MATRIX", () => {
    expect(pageFiles.filter((f) => !PAGE_MATRIX[f]).sort(), "add these to PAGE_MATRIX").toEqual([]);
    expect(Object.keys(PAGE_MATRIX).filter((f) => !pageFiles.includes(f))).toEqual([]);
  });
});

function builtAction(key: string): BuiltAction {
  const action = actions.find((a) => `${a.file}#${a.name}` === key);
  if (!action) throw new Error(`${key} is not in the build`);
  return action;
}

const actionCases = Object.keys(ACTION_MATRIX).flatMap((key) => WHO.map((who) => [key, who] as const));

describe("server actions, called over HTTP as each role", () => {
  // A case that turned on "require two-factor" must not leave the next case's callers locked out.
  afterEach(async () => {
    await db.organization.updateMany({ where: { id: { in: [A.orgId, B.orgId] } }, data: { requireTwoFactor: false } });
  });

  it.each(actionCases)("%s as %s", async (key, who) => {
    const entry = ACTION_MATRIX[key];
    const token = await sessionFor(who);
    const label = `${key} as ${who}`;

    if (entry.auth === "own-session") {
      const sessionsBefore = await db.session.count();
      const before = await snapshot(db);
      const reply = await callAction(server.url, builtAction(key), token, []);
      expect(reply.redirect, label).toMatch(/^\/login/);
      if (token) {
        expect(await db.session.count({ where: { tokenHash: hashSessionToken(token) } })).toBe(0);
        expect(await db.session.count()).toBe(sessionsBefore - 1);
      } else expectUnchanged(before, await snapshot(db), label);
      return;
    }

    const input = entry.auth === "session" ? await entry.input(who) : await entry.input();
    const before = await snapshot(db);
    const reply = await callAction(server.url, builtAction(key), token, [input]);
    expect(reply.status, `${label}: ${reply.text.slice(0, 300)}`).toBe(200);
    expect(reply.result, `${label}: no ActionResult in ${reply.text.slice(0, 300)}`).not.toBeNull();
    const result = reply.result!;

    if (entry.auth === "public") {
      if (entry.expect === "ok") expect(result, label).toMatchObject({ ok: true });
      else {
        expect(result, label).toMatchObject({ ok: false, ...entry.expect });
        expectUnchanged(before, await snapshot(db), label);
      }
      return;
    }

    if (who === "signed-out" || (who !== "other-org" && !entry.allow.includes(who))) {
      expect(result, label).toMatchObject({ ok: false, code: who === "signed-out" ? "UNAUTHENTICATED" : "FORBIDDEN" });
      expectUnchanged(before, await snapshot(db), label);
    } else if (who !== "other-org" || entry.otherOrg === "own-org") {
      expect(result, label).toMatchObject({ ok: true });
    } else {
      if (entry.otherOrg !== "no-effect") expect(result, label).toMatchObject({ ok: false, ...entry.otherOrg });
      await expectNoDataOfA(JSON.stringify(result), label);
      expectUnchanged(before, await snapshot(db), label);
    }
  });
});

// Revoking is permanent, so every action that revokes keys (found in the matrix by its permission and name, not
// listed by hand) holds the typed gate on the server: the key's name, or "revoke N keys". A replay of the request
// without it, or with the wrong text, is refused and revokes nothing, even for an admin.
const GATE_FIELDS = ["confirmName", "confirmation"];
const revokeActions = Object.entries(ACTION_MATRIX)
  .filter(([key, entry]) => entry.auth === "session" && entry.permission === "keys:revoke" && /^(bulkR|r)evoke/.test(key.split("#")[1]))
  .map(([key]) => key);

describe("every revoke action refuses a replay without its typed gate", () => {
  it("finds the revoke actions", () => {
    expect(revokeActions.length).toBeGreaterThanOrEqual(3);
  });

  it.each(revokeActions)("%s", async (key) => {
    const entry = ACTION_MATRIX[key];
    if (entry.auth !== "session") throw new Error("not a session action");
    const valid = (await entry.input("admin")) as Record<string, unknown>;
    const gate = GATE_FIELDS.find((field) => field in valid);
    expect(gate, `${key} has no typed confirmation field`).toBeDefined();
    for (const replay of [Object.fromEntries(Object.entries(valid).filter(([field]) => field !== gate)), { ...valid, [gate!]: "yes" }]) {
      const token = await sessionFor("admin");
      const before = await snapshot(db);
      const reply = await callAction(server.url, builtAction(key), token, [replay]);
      expect(reply.result, `${key}: ${reply.text.slice(0, 300)}`).toMatchObject({ ok: false, code: "VALIDATION" });
      expectUnchanged(before, await snapshot(db), key);
    }
  });
});

// Dangerous actions need a fresh proof of identity (a step-up) on the server, not only a dialog in the browser. Each
// is replayed by an admin whose last proof is 11 minutes old: refused with STEP_UP_REQUIRED, nothing changed. Then
// the admin proves it (the password, over HTTP) and the very same request goes through. Actions only some inputs
// of which are dangerous also go through, with the stale proof, for their ordinary input.
const STALE_PROOF_MS = 11 * 60 * 1000;
const stepUpActions = Object.entries(ACTION_MATRIX)
  .filter(([, entry]) => entry.auth === "session" && entry.stepUp)
  .map(([key]) => key);

/** A step-up proof with one of the admin's passkeys, answering a challenge bound to this session; null without one. */
async function adminPasskeyProof(token: string) {
  const passkeys = await db.passkey.findMany({ where: { userId: members.admin.userId } });
  const credential = passkeys.map((p) => softCredentials.get(p.credentialId)).find((c) => c !== undefined);
  if (!credential) return null;
  const session = await db.session.findUniqueOrThrow({ where: { tokenHash: hashSessionToken(token) } });
  const rp = serverRp();
  const options = await passkeyAuthenticationOptions(db, { purpose: "step_up", sessionId: session.id }, rp, members.admin.userId);
  return { method: "passkey", response: assertPasskey(credential, options, { origin: rp.origin }) };
}

async function staleAdminSession(): Promise<string> {
  const { token } = await createSession(db, members.admin.userId, A.orgId, testMeta);
  await db.session.update({
    where: { tokenHash: hashSessionToken(token) },
    data: { reauthenticatedAt: new Date(Date.now() - STALE_PROOF_MS) },
  });
  return token;
}

describe("every step-up action refuses a replay without a fresh proof, and changes nothing", () => {
  // The second-factor actions above leave the callers with an authenticator app: here they prove with the password.
  beforeAll(async () => {
    await db.totpFactor.deleteMany({ where: { userId: { in: callerIds() } } });
    await db.passkey.deleteMany({ where: { userId: { in: callerIds() } } });
  });

  it("finds the step-up actions", () => {
    expect(stepUpActions.length).toBeGreaterThanOrEqual(12);
  });

  it("a wrong password is refused, audited as a failure, and opens nothing", async () => {
    const token = await staleAdminSession();
    await make.knownPasswords();
    const confirm = builtAction("lib/actions/account/confirm-identity.ts#confirmIdentityAction");
    const failuresBefore = await db.auditEvent.count({
      where: { orgId: A.orgId, action: "user.step_up_failed", actorId: members.admin.userId },
    });
    const wrong = await callAction(server.url, confirm, token, [{ method: "password", password: "not the password" }]);
    expect(wrong.result).toMatchObject({ ok: false, code: "VALIDATION" });
    expect(await db.auditEvent.count({ where: { orgId: A.orgId, action: "user.step_up_failed", actorId: members.admin.userId } })).toBe(
      failuresBefore + 1,
    );
    const revoke = builtAction("lib/actions/keys/revoke-key.ts#revokeKeyAction");
    const key = await make.key();
    const reply = await callAction(server.url, revoke, token, [{ keyId: key.id, confirmName: key.name }]);
    expect(reply.result).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();
  });

  it("a member with an authenticator app proves with a code, not the password; then the revoke goes through", async () => {
    const token = await staleAdminSession();
    await make.knownPasswords();
    const { code } = await setTotpForCallers(true);
    try {
      const confirm = builtAction("lib/actions/account/confirm-identity.ts#confirmIdentityAction");
      const byPassword = await callAction(server.url, confirm, token, [{ method: "password", password: PASSWORD }]);
      expect(byPassword.result).toMatchObject({ ok: false, code: "VALIDATION" });
      const revoke = builtAction("lib/actions/keys/revoke-key.ts#revokeKeyAction");
      const key = await make.key();
      expect((await callAction(server.url, revoke, token, [{ keyId: key.id, confirmName: key.name }])).result).toMatchObject({
        ok: false,
        code: "STEP_UP_REQUIRED",
      });
      expect((await callAction(server.url, confirm, token, [{ method: "second-factor", code }])).result).toMatchObject({ ok: true });
      expect((await callAction(server.url, revoke, token, [{ keyId: key.id, confirmName: key.name }])).result).toMatchObject({ ok: true });
      expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).not.toBeNull();
    } finally {
      await db.totpFactor.deleteMany({ where: { userId: { in: callerIds() } } });
    }
  });

  it.each(stepUpActions)("%s", async (key) => {
    const entry = ACTION_MATRIX[key];
    if (entry.auth !== "session" || !entry.stepUp) throw new Error("not a step-up action");
    const token = await staleAdminSession();
    const input = entry.stepUp === true ? await entry.input("admin") : await entry.stepUp.input();
    const before = await snapshot(db);
    const refused = await callAction(server.url, builtAction(key), token, [input]);
    expect(refused.result, `${key}: ${refused.text.slice(0, 300)}`).toMatchObject({ ok: false, code: "STEP_UP_REQUIRED" });
    expectUnchanged(before, await snapshot(db), key);

    if (entry.stepUp !== true) {
      const ordinary = await callAction(server.url, builtAction(key), token, [await entry.input("admin")]);
      expect(ordinary.result, `${key} (an ordinary input needs no step-up)`).toMatchObject({ ok: true });
    }

    await make.knownPasswords();
    const confirm = builtAction("lib/actions/account/confirm-identity.ts#confirmIdentityAction");
    // A passkey the entry itself gave the admin makes it the proof (the password no longer is).
    const proof = (await adminPasskeyProof(token)) ?? { method: "password", password: PASSWORD };
    expect((await callAction(server.url, confirm, token, [proof])).result).toMatchObject({ ok: true });
    const done = await callAction(server.url, builtAction(key), token, [input]);
    expect(done.result, `${key} after the step-up: ${done.text.slice(0, 300)}`).toMatchObject({ ok: true });
  });
});

const pageCases = Object.keys(PAGE_MATRIX).flatMap((file) => WHO.map((who) => [file, who] as const));

describe("pages, loaded as each role", () => {
  it.each(pageCases)("%s as %s", async (file, who) => {
    const { url: pageUrl, expect: expected, credential } = PAGE_MATRIX[file];
    const token = await sessionFor(who);
    // Refusals (anything but a rendered page) must leave the database as it was.
    const before = expected[who].status === 200 ? null : await snapshot(db);
    const res = await get(server.url, pageUrl, token, "navigate");
    expect(res.status, `${pageUrl} as ${who}`).toBe(expected[who].status);
    if (expected[who].location) expect(res.location).toMatch(expected[who].location);
    if (who === "other-org" && !credential) await expectNoDataOfA(res.text, pageUrl);
    if (before) expectUnchanged(before, await snapshot(db), `${pageUrl} as ${who}`);
  });
});

const routeCases = Object.entries(ROUTE_MATRIX).flatMap(([file, entry]) =>
  entry.methods.flatMap((method) => WHO.map((who) => [file, method, who] as const)),
);

describe("route handlers, requested as each role", () => {
  it.each(routeCases)("%s %s as %s", async (file, method, who) => {
    const entry = ROUTE_MATRIX[file];
    const token = await sessionFor(who);
    const before = entry.expect[who].status >= 400 ? await snapshot(db) : null;
    const res =
      entry.client === "browser" ? await get(server.url, entry.url, token, "cors") : await plain(server.url, method, entry.url, token);
    const body = "text" in res ? res.text : res.body;
    expect(res.status, `${method} ${entry.url} as ${who}: ${body.slice(0, 200)}`).toBe(entry.expect[who].status);
    if (who === "other-org") await expectNoDataOfA(body, entry.url);
    if (before) expectUnchanged(before, await snapshot(db), `${method} ${entry.url} as ${who}`);
  });
});

describe("a forged or expired session cookie counts as signed out", () => {
  it.each(["forged", "expired"] as const)("%s: the action is refused and changes nothing, the page and route refuse", async (kind) => {
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
    const token =
      kind === "forged" ? "f".repeat(43) : (await createSession(db, members.admin.userId, A.orgId, testMeta, eightDaysAgo)).token;
    const before = await snapshot(db);
    const rename = builtAction("lib/actions/orgs/rename-organization.ts#renameOrganizationAction");
    expect((await callAction(server.url, rename, token, [{ name: "Forged" }])).result).toMatchObject({
      ok: false,
      code: "UNAUTHENTICATED",
    });
    expect(await get(server.url, "/settings", token, "navigate")).toMatchObject({
      status: 307,
      location: expect.stringMatching(/\/login\?next=%2Fsettings$/),
    });
    expect((await get(server.url, "/audit/export", token, "cors")).status).toBe(401);
    // The expired session itself is deleted on sight; nothing else changes.
    expect(await db.session.count({ where: { tokenHash: hashSessionToken(token) } })).toBe(0);
    const after = await snapshot(db);
    expectUnchanged({ ...before, Session: [] }, { ...after, Session: [] }, kind);
  });
});

// An organization that requires two-factor, and its admin (whose role allows everything) without a second factor:
// every action but setting one up is refused with TWO_FACTOR_REQUIRED and changes nothing, every console page
// leads to the setup page, console routes answer 403. Once the admin has a factor, the same calls go through.
describe("require two-factor: a member without a second factor can only set one up", () => {
  const C = { orgId: "", userId: "" };
  beforeAll(async () => {
    const org = await createOrg(db, { name: "Charlie Matrix", keyPrefix: "charlie" });
    Object.assign(C, { orgId: org.orgId, userId: org.userId });
    await db.organization.update({ where: { id: C.orgId }, data: { requireTwoFactor: true } });
  });
  const sessionOfC = async () => (await createSession(db, C.userId, C.orgId, testMeta)).token;
  const blocked = Object.entries(ACTION_MATRIX).filter(([, e]) => e.auth === "session" && e.permission !== "two-factor:enrol");
  const enrolment = Object.entries(ACTION_MATRIX).filter(([, e]) => e.auth === "session" && e.permission === "two-factor:enrol");

  it.each(blocked.map(([key]) => key))("%s is refused", async (key) => {
    const entry = ACTION_MATRIX[key];
    if (entry.auth !== "session") throw new Error("not a session action");
    const input = await entry.input("admin");
    const token = await sessionOfC();
    const before = await snapshot(db);
    const reply = await callAction(server.url, builtAction(key), token, [input]);
    expect(reply.result, `${key}: ${reply.text.slice(0, 300)}`).toMatchObject({ ok: false, code: "TWO_FACTOR_REQUIRED" });
    expectUnchanged(before, await snapshot(db), key);
  });

  it("every console page leads to the setup page, which opens; console routes refuse", async () => {
    const token = await sessionOfC();
    const consolePages = Object.entries(PAGE_MATRIX).filter(([file]) => file.startsWith("app/(console)/"));
    expect(consolePages.length).toBeGreaterThanOrEqual(10);
    for (const [, { url: pageUrl }] of consolePages) {
      const res = await get(server.url, pageUrl, token, "navigate");
      expect({ url: pageUrl, status: res.status, location: res.location }).toMatchObject({
        status: 307,
        location: expect.stringMatching(/\/two-factor\/setup$/),
      });
    }
    expect((await get(server.url, "/two-factor/setup", token, "navigate")).status).toBe(200);
    for (const [, route] of Object.entries(ROUTE_MATRIX).filter(([, r]) => r.client === "browser")) {
      const res = await get(server.url, route.url, token, "cors");
      expect(res.status, route.url).toBe(403);
      expect(res.text).toContain("TWO_FACTOR_REQUIRED");
    }
  });

  it.each(enrolment.map(([key]) => key))("%s is allowed", async (key) => {
    const entry = ACTION_MATRIX[key];
    if (entry.auth !== "session") throw new Error("not a session action");
    await db.totpFactor.deleteMany({ where: { userId: C.userId } });
    await db.passkey.deleteMany({ where: { userId: C.userId } });
    if (key.includes("confirm")) {
      await db.totpFactor.create({ data: { userId: C.userId, secretEnc: totpSecretEnc } });
    }
    const token = await sessionOfC();
    const input = key.includes("confirm")
      ? { code: totpCode(totpBase32(totpSecret)) }
      : key.includes("register-passkey")
        ? await passkeyRegistrationInput(C.userId)
        : {};
    const reply = await callAction(server.url, builtAction(key), token, [input]);
    expect(reply.result, `${key}: ${reply.text.slice(0, 300)}`).toMatchObject({ ok: true });
  });

  it("with a second factor the same member acts and sees the console", async () => {
    const data = { secretEnc: totpSecretEnc, confirmedAt: new Date() };
    await db.totpFactor.upsert({ where: { userId: C.userId }, create: { userId: C.userId, ...data }, update: data });
    const token = await sessionOfC();
    const rename = builtAction("lib/actions/orgs/rename-organization.ts#renameOrganizationAction");
    expect((await callAction(server.url, rename, token, [{ name: "Charlie Renamed" }])).result).toMatchObject({ ok: true });
    expect((await get(server.url, "/keys", token, "navigate")).status).toBe(200);
    expect((await get(server.url, "/two-factor/setup", token, "navigate")).location).toMatch(/\/keys$/);
  });
});
