// Single sign-on against a real OpenID provider (oidc-provider on 127.0.0.1, driven over HTTP like a browser would)
// and a real database: Keyward's side (lib/sso/) starts the flow, the provider signs the person in, and the callback
// is completed with the URL the provider redirected to.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runAction } from "@/lib/actions/run-action";
import { SSO_REQUIRED, signIn } from "@/lib/auth/login";
import { hashPassword } from "@/lib/auth/password";
import { loadSessionContext } from "@/lib/auth/session-context";
import { switchOrganization } from "@/lib/orgs/switch-organization";
import { completeSso, SsoRefusal, startSso } from "@/lib/sso/flow";
import { checkProviderUrl, ProviderUrlRefused } from "@/lib/sso/provider-url";
import { updateSsoSettings } from "@/lib/sso/settings";
import { ssoSettingsSchema, type SsoSettingsInput } from "@/lib/validations/sso";
import { setUpTestDb, testBackend, testMeta } from "../support/db";
import { createOrg } from "../support/fixtures";
import { addMember, adminActor } from "../support/members";
import { signInAtProvider, startOidcProvider, type TestProvider } from "../support/oidc-provider";

process.env.KEYWARD_SSO_ALLOW_HTTP_ISSUER = "1";

const { db, url } = await setUpTestDb();
const ORIGIN = "http://127.0.0.1:3999";
const CALLBACK = `${ORIGIN}/sso/callback`;
const A = await createOrg(db, { name: "Acme SSO", keyPrefix: "acme" });
const B = await createOrg(db, { name: "Bravo SSO", keyPrefix: "bravo" });
const PASSWORD = "correct horse battery";

let provider: TestProvider;
beforeAll(async () => {
  provider = await startOidcProvider({
    clients: [
      { clientId: "keyward-acme", clientSecret: "acme-client-secret-0123456789", redirectUris: [CALLBACK] },
      { clientId: "keyward-bravo", clientSecret: "bravo-client-secret-0123456789", redirectUris: [CALLBACK] },
    ],
    accounts: {
      ada: { email: "ada@acme.test", emailVerified: true },
      grace: { email: "Grace@Acme.test", emailVerified: true },
      eve: { email: "eve@evil.test", emailVerified: true },
      unverified: { email: "mallory@acme.test", emailVerified: false },
    },
  });
  await updateSsoSettings(db, adminActor(A), settings({ clientId: "keyward-acme", clientSecret: "acme-client-secret-0123456789" }));
});
afterAll(async () => provider?.stop());
beforeEach(() => {
  provider.tamper.audience = undefined;
});

function settings(overrides: Partial<Record<keyof SsoSettingsInput, unknown>> = {}): SsoSettingsInput {
  return ssoSettingsSchema.parse({
    enabled: true,
    issuer: provider.issuer,
    clientId: "keyward-acme",
    clientSecret: "",
    allowedDomains: "acme.test",
    defaultRole: "lead",
    requireSso: false,
    breakGlassEmail: "",
    ...overrides,
  });
}

/** Starts at Keyward, signs in at the provider as `login`, returns what the callback needs. */
async function throughProvider(login: string, identifier = "someone@acme.test") {
  const { url: authorizationUrl, state } = await startSso(db, { identifier, next: "/audit" }, ORIGIN);
  const callback = await signInAtProvider(authorizationUrl, login);
  return { callback, state };
}

async function refusal(promise: Promise<unknown>): Promise<SsoRefusal> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SsoRefusal);
  return error as SsoRefusal;
}

const counts = async () => ({ users: await db.user.count(), memberships: await db.membership.count(), sessions: await db.session.count() });

describe("single sign-on through a real OpenID provider", () => {
  it("starts with PKCE (S256), state, nonce and the openid email profile scopes; the verifier stays on the server, sealed", async () => {
    const { url: authorizationUrl, state } = await startSso(db, { identifier: "ada@acme.test" }, ORIGIN);
    const params = new URL(authorizationUrl).searchParams;
    expect(params.get("client_id")).toBe("keyward-acme");
    expect(params.get("redirect_uri")).toBe(CALLBACK);
    expect(params.get("scope")).toBe("openid email profile");
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(params.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(params.get("nonce")).toBeTruthy();
    expect(params.get("state")).toBe(state);
    expect(params.get("login_hint")).toBe("ada@acme.test");
    const row = await db.ssoLogin.findFirstOrThrow({ orderBy: { createdAt: "desc" } });
    expect(row.id).not.toBe(state);
    expect(row.checksEnc).not.toContain(params.get("nonce"));
  });

  it("an existing member signs in to the same account by verified email, the session reaching only that organization", async () => {
    const ada = await db.user.create({
      data: { id: "usr_ada0000000000000000", email: "ada@acme.test", passwordHash: await hashPassword(PASSWORD) },
    });
    await db.membership.create({ data: { id: "mem_ada0000000000000000", orgId: A.orgId, userId: ada.id, role: "auditor" } });
    await db.membership.create({ data: { id: "mem_adb0000000000000000", orgId: B.orgId, userId: ada.id, role: "admin" } });
    const before = await counts();
    const { callback, state } = await throughProvider("ada");
    const result = await completeSso(db, callback, state, testMeta);
    expect(result).toMatchObject({ userId: ada.id, orgId: A.orgId, next: "/audit" });
    expect(await counts()).toEqual({ ...before, sessions: before.sessions + 1 });
    const ctx = await loadSessionContext(db, result.token);
    expect(ctx).toMatchObject({ user: { id: ada.id }, org: { id: A.orgId }, role: "auditor" });
    // Acme's provider vouched for Ada at Acme only: her Bravo membership is out of this session's reach.
    expect(ctx!.memberships.map((m) => m.orgId)).toEqual([A.orgId]);
    await expect(switchOrganization(db, { sessionId: ctx!.sessionId, userId: ada.id }, B.orgId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: A.orgId, action: "user.signed_in" }, orderBy: { id: "desc" } });
    expect(audit).toMatchObject({ actorId: ada.id, outcome: "success" });
    expect(JSON.parse(audit.data)).toEqual({ method: "sso" });
  });

  it("a new person at an allowed domain joins just in time with the configured role (email lower-cased)", async () => {
    const { callback, state } = await throughProvider("grace");
    const result = await completeSso(db, callback, state, testMeta);
    const user = await db.user.findUniqueOrThrow({ where: { email: "grace@acme.test" }, include: { memberships: true } });
    expect(result.userId).toBe(user.id);
    expect(user.memberships).toMatchObject([{ orgId: A.orgId, role: "lead" }]);
    // No password: the account cannot be signed in to with one.
    await expect(signIn(db, "grace@acme.test", "", testMeta)).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await db.auditEvent.count({ where: { orgId: A.orgId, action: "member.joined", actorId: user.id } })).toBe(1);
  });

  it("a disallowed domain is refused: no user, no membership, no session; the refusal is audited", async () => {
    const before = await counts();
    const { callback, state } = await throughProvider("eve");
    const error = await refusal(completeSso(db, callback, state, testMeta));
    expect(error).toMatchObject({ code: "domain", orgId: A.orgId });
    expect(await counts()).toEqual(before);
    expect(await db.user.count({ where: { email: "eve@evil.test" } })).toBe(0);
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { orgId: A.orgId, action: "user.sso_sign_in_refused" },
      orderBy: { id: "desc" },
    });
    expect(audit).toMatchObject({ outcome: "denied", actorLabel: "eve@evil.test" });
  });

  it("email_verified false is refused", async () => {
    const before = await counts();
    const { callback, state } = await throughProvider("unverified");
    expect(await refusal(completeSso(db, callback, state, testMeta))).toMatchObject({ code: "unverified" });
    expect(await counts()).toEqual(before);
  });

  it("a replayed state is refused (the first use consumed it), as is a state this browser did not start", async () => {
    const { callback, state } = await throughProvider("ada");
    // Another browser (no cookie, or its own) cannot complete it.
    expect(await refusal(completeSso(db, callback, undefined, testMeta))).toMatchObject({ code: "state" });
    expect(await refusal(completeSso(db, callback, "another-browsers-state", testMeta))).toMatchObject({ code: "state" });
    await completeSso(db, callback, state, testMeta);
    const before = await counts();
    expect(await refusal(completeSso(db, callback, state, testMeta))).toMatchObject({ code: "state" });
    expect(await counts()).toEqual(before);
  });

  it("an ID token for another audience (a client id mismatch) is refused by the audience check", async () => {
    const { callback, state } = await throughProvider("ada");
    provider.tamper.audience = "keyward-bravo";
    const before = await counts();
    const error = await refusal(completeSso(db, callback, state, testMeta));
    expect(error).toMatchObject({ code: "token" });
    expect(error.reason).toMatch(/aud/);
    expect(await counts()).toEqual(before);
  });

  it("garbage at the callback is a refusal, never a crash", async () => {
    for (const garbage of ["?", "?state=x", "?code=abc&state=%00%ff", `?state=${"a".repeat(5000)}`, "?error=access_denied"])
      expect(await refusal(completeSso(db, new URL(`${CALLBACK}${garbage}`), "x", testMeta))).toMatchObject({ code: "state" });
  });
});

describe("require SSO", () => {
  it("refuses the password sign-in of a member who is not the break-glass admin, and lets the break-glass admin in", async () => {
    const hash = await hashPassword(PASSWORD);
    const member = await addMember(db, A.orgId, "lead", { passwordHash: hash });
    const breakGlass = await addMember(db, A.orgId, "admin", { passwordHash: hash });
    await updateSsoSettings(db, adminActor(A), settings({ requireSso: true, breakGlassEmail: breakGlass.email }));
    try {
      const sessions = await db.session.count();
      await expect(signIn(db, member.email, PASSWORD, testMeta)).rejects.toMatchObject({ code: "FORBIDDEN", message: SSO_REQUIRED });
      expect(await db.session.count()).toBe(sessions);
      // A password session from before the change no longer reaches the organization either.
      expect(await loadSessionContext(db, member.token)).toBeNull();
      const glass = await signIn(db, breakGlass.email, PASSWORD, testMeta);
      expect(await loadSessionContext(db, glass.token)).toMatchObject({ org: { id: A.orgId }, role: "admin" });
      expect(await db.auditEvent.count({ where: { orgId: A.orgId, action: "user.sign_in_refused", actorId: member.userId } })).toBe(1);
    } finally {
      await updateSsoSettings(db, adminActor(A), settings());
    }
  });

  it("a member of another organization too signs in with a password to that one only", async () => {
    const hash = await hashPassword(PASSWORD);
    const both = await addMember(db, A.orgId, "lead", { passwordHash: hash });
    await db.membership.create({
      data: { id: `mem_both${Date.now()}`.padEnd(24, "0"), orgId: B.orgId, userId: both.userId, role: "auditor" },
    });
    await updateSsoSettings(db, adminActor(A), settings({ requireSso: true, breakGlassEmail: A.email }));
    try {
      const session = await signIn(db, both.email, PASSWORD, testMeta);
      const ctx = await loadSessionContext(db, session.token);
      expect(ctx).toMatchObject({ org: { id: B.orgId } });
      expect(ctx!.memberships.map((m) => m.orgId)).toEqual([B.orgId]);
    } finally {
      await updateSsoSettings(db, adminActor(A), settings());
    }
  });
});

describe("SSO settings", () => {
  it("seal the client secret: it is nowhere in the database in plain text", async () => {
    const row = await db.ssoConfig.findUniqueOrThrow({ where: { orgId: A.orgId } });
    expect(row.clientSecretEnc).not.toContain("acme-client-secret");
    expect(JSON.stringify(await db.auditEvent.findMany({ where: { action: "org.sso_updated" } }))).not.toContain("acme-client-secret");
    if (testBackend === "sqlite") expect(readFileSync(url.slice("file:".length)).includes("acme-client-secret")).toBe(false);
  });

  it("check the issuer by discovery when saved: an unreachable one is a field error and nothing changes", async () => {
    const before = await db.ssoConfig.findUniqueOrThrow({ where: { orgId: A.orgId } });
    const result = await runAction(
      ssoSettingsSchema,
      { ...settings(), allowedDomains: "acme.test", issuer: "http://127.0.0.1:9/nothing" },
      (input) => updateSsoSettings(db, adminActor(A), input),
    );
    expect(result).toMatchObject({ ok: false, code: "VALIDATION", fieldErrors: { issuer: expect.stringMatching(/No OpenID provider/) } });
    expect(await db.ssoConfig.findUniqueOrThrow({ where: { orgId: A.orgId } })).toEqual(before);
  });

  it("refuse a loopback, private or plain-http issuer unless the dev flag is set (SSRF)", async () => {
    for (const issuer of [
      "http://127.0.0.1:8080",
      "https://127.0.0.1",
      "https://10.1.2.3",
      "https://[::1]",
      "https://169.254.169.254",
      "https://[::ffff:127.0.0.1]",
      "https://localhost",
    ])
      await expect(checkProviderUrl(new URL(issuer), false), issuer).rejects.toBeInstanceOf(ProviderUrlRefused);
    await expect(checkProviderUrl(new URL("https://93.184.215.14"), false)).resolves.toBeUndefined();
    await expect(checkProviderUrl(new URL("http://127.0.0.1:8080"), true)).resolves.toBeUndefined();
  });
});
