import { describe, expect, it } from "vitest";
import { signIn, signInWithPasskey, completePasskeySecondFactorSignIn } from "@/lib/auth/login";
import { hashPassword } from "@/lib/auth/password";
import { passkeyAuthenticationOptions } from "@/lib/auth/passkeys/authentication";
import { passkeyRegistrationOptions, registerPasskey, removePasskey } from "@/lib/auth/passkeys/registration";
import { relyingParty, type RelyingParty } from "@/lib/auth/passkeys/relying-party";
import { createSession, hashSessionToken } from "@/lib/auth/sessions";
import { proveIdentity } from "@/lib/auth/step-up";
import { ACCOUNT_FREE_FAILURES } from "@/lib/auth/throttle";
import { findPendingSignIn } from "@/lib/auth/two-factor/pending-sign-in";
import { checkSecondFactor } from "@/lib/auth/two-factor/verify";
import { userHasSecondFactor } from "@/lib/auth/two-factor/status";
import { newId } from "@/lib/ids";
import { authenticationResponseSchema, registrationResponseSchema } from "@/lib/validations/passkey";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { addMember } from "../support/members";
import { assert, createCredential, type SoftCredential } from "../support/passkey-authenticator";

const { db } = await setUpTestDb();
const A = await createOrg(db, { name: "Alpha Passkeys" });
const B = await createOrg(db, { name: "Bravo Passkeys" });
const PASSWORD = "correct horse battery staple";
const passwordHash = await hashPassword(PASSWORD);
const rp: RelyingParty = { rpID: "keyward.test", origin: "https://keyward.test", name: "Keyward" };
const ceremony = { origin: rp.origin };

let n = 0;
/** A member of A and B with a known password and a session, each test its own (throttles are per member). */
async function member() {
  const m = await addMember(db, A.orgId, "lead", { passwordHash });
  await db.membership.create({ data: { id: newId("mem"), orgId: B.orgId, userId: m.userId, role: "auditor" } });
  const session = await db.session.findFirstOrThrow({ where: { tokenHash: hashSessionToken(m.token) } });
  const user = { id: m.userId, email: m.email };
  return { ...m, user, sessionId: session.id, meta: { ip: `203.0.113.${++n}`, userAgent: "vitest" } };
}
type Member = Awaited<ReturnType<typeof member>>;

const registration = (r: Record<string, unknown>) => registrationResponseSchema.parse(r);
const assertion = (r: Record<string, unknown>) => authenticationResponseSchema.parse(r);
const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (e: { code?: string; message?: string }) => e.code ?? `error: ${e.message}`,
  );

/** Registers a software passkey for the member through the service, as the account page does. */
async function enrol(m: Member, name = "Laptop"): Promise<{ credential: SoftCredential; recoveryCodes: string[] | null }> {
  const options = await passkeyRegistrationOptions(db, m.user, m.sessionId, rp);
  const { credential, response } = createCredential(options, ceremony);
  const { recoveryCodes } = await registerPasskey(db, m.user, m.sessionId, { name, response: registration(response) }, rp, m.meta);
  return { credential, recoveryCodes };
}

/** Everything a refused ceremony must leave as it was. */
async function state(userId: string) {
  const [passkeys, sessions, codes] = await Promise.all([
    db.passkey.findMany({ where: { userId }, orderBy: { id: "asc" } }),
    db.session.findMany({ where: { userId }, select: { id: true, reauthenticatedAt: true }, orderBy: { id: "asc" } }),
    db.recoveryCode.count({ where: { userId } }),
  ]);
  return { passkeys, sessions, codes };
}

describe("registering a passkey", () => {
  it("stores the public key under its name; the first second factor comes with recovery codes, audited in each organization", async () => {
    const m = await member();
    expect(await userHasSecondFactor(db, m.userId)).toBe(false);
    const first = await enrol(m, "Work laptop");
    expect(first.recoveryCodes).toHaveLength(10);
    expect(await userHasSecondFactor(db, m.userId)).toBe(true);
    const [stored] = await db.passkey.findMany({ where: { userId: m.userId } });
    expect(stored).toMatchObject({ name: "Work laptop", credentialId: first.credential.id, counter: 0n, transports: "internal" });
    expect(Buffer.from(stored.publicKey, "base64url")).toEqual(Buffer.from(first.credential.publicKeyCose));
    for (const orgId of [A.orgId, B.orgId]) {
      const event = await db.auditEvent.findFirstOrThrow({ where: { orgId, actorId: m.userId, action: "user.second_factor_enrolled" } });
      expect(JSON.parse(event.data ?? "{}")).toMatchObject({ factor: "passkey", passkey: "Work laptop", recoveryCodes: 10 });
    }
    // A second one: its options exclude the first, and no new recovery codes replace the ones shown.
    const codes = await db.recoveryCode.findMany({ where: { userId: m.userId }, select: { codeHash: true } });
    const options = await passkeyRegistrationOptions(db, m.user, m.sessionId, rp);
    expect(options.excludeCredentials?.map((c) => c.id)).toEqual([first.credential.id]);
    expect(options.authenticatorSelection).toMatchObject({ userVerification: "preferred" });
    const second = createCredential(options, ceremony);
    const result = await registerPasskey(
      db,
      m.user,
      m.sessionId,
      { name: "Blue key", response: registration(second.response) },
      rp,
      m.meta,
    );
    expect(result.recoveryCodes).toBeNull();
    expect(await db.recoveryCode.findMany({ where: { userId: m.userId }, select: { codeHash: true } })).toEqual(codes);
    expect(await db.passkey.count({ where: { userId: m.userId } })).toBe(2);
    // Password sign-in now asks for the second factor.
    expect((await signIn(db, m.email, PASSWORD, m.meta)).secondFactor).toBe(true);
  });

  it.each([
    ["a challenge never issued", { challenge: "bm90LWEtY2hhbGxlbmdlLWV2ZXItaXNzdWVk" }],
    ["another origin", { origin: "https://evil.example" }],
    ["another relying party id", { rpId: "evil.example" }],
    ["a sign-in response type", { type: "webauthn.get" }],
  ])("refuses %s and changes nothing", async (_label, override) => {
    const m = await member();
    const options = await passkeyRegistrationOptions(db, m.user, m.sessionId, rp);
    const { response } = createCredential(options, { ...ceremony, ...override });
    const before = await state(m.userId);
    expect(await refusal(registerPasskey(db, m.user, m.sessionId, { name: "x", response: registration(response) }, rp, m.meta))).toBe(
      "VALIDATION",
    );
    expect(await state(m.userId)).toEqual(before);
    expect(await db.auditEvent.count({ where: { orgId: A.orgId, actorId: m.userId, action: "user.second_factor_failed" } })).toBe(1);
  });

  it("spends the challenge once (a replayed response is refused) and only for the session it was issued to", async () => {
    const m = await member();
    const options = await passkeyRegistrationOptions(db, m.user, m.sessionId, rp);
    // Another session of the same member cannot answer it.
    const other = await createSession(db, m.userId, A.orgId, m.meta);
    const otherId = (await db.session.findFirstOrThrow({ where: { tokenHash: hashSessionToken(other.token) } })).id;
    const stolen = createCredential(options, ceremony);
    expect(await refusal(registerPasskey(db, m.user, otherId, { name: "x", response: registration(stolen.response) }, rp, m.meta))).toBe(
      "VALIDATION",
    );
    // The rightful session's answer goes through once.
    const options2 = await passkeyRegistrationOptions(db, m.user, m.sessionId, rp);
    const { response } = createCredential(options2, ceremony);
    await registerPasskey(db, m.user, m.sessionId, { name: "Laptop", response: registration(response) }, rp, m.meta);
    const before = await state(m.userId);
    expect(await refusal(registerPasskey(db, m.user, m.sessionId, { name: "Again", response: registration(response) }, rp, m.meta))).toBe(
      "VALIDATION",
    );
    expect(await state(m.userId)).toEqual(before);
  });

  it("refuses an expired challenge", async () => {
    const m = await member();
    const options = await passkeyRegistrationOptions(db, m.user, m.sessionId, rp, new Date(Date.now() - 3 * 60_000));
    const { response } = createCredential(options, ceremony);
    expect(await refusal(registerPasskey(db, m.user, m.sessionId, { name: "x", response: registration(response) }, rp, m.meta))).toBe(
      "VALIDATION",
    );
    expect(await db.passkey.count({ where: { userId: m.userId } })).toBe(0);
  });
});

describe("passwordless sign-in", () => {
  it("a discoverable passkey with user verification starts a full session, audited; the counter moves on", async () => {
    const m = await member();
    const { credential } = await enrol(m);
    const options = await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, rp);
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe("required");
    const sessionsBefore = await db.session.count({ where: { userId: m.userId } });
    const session = await signInWithPasskey(db, assertion(assert(credential, options, ceremony)), rp, m.meta, options.challenge);
    expect(session.userId).toBe(m.userId);
    expect(await db.session.count({ where: { userId: m.userId } })).toBe(sessionsBefore + 1);
    const stored = await db.passkey.findFirstOrThrow({ where: { userId: m.userId } });
    expect(stored.counter).toBe(1n);
    expect(stored.lastUsedAt).not.toBeNull();
    const event = await db.auditEvent.findFirstOrThrow({
      where: { orgId: A.orgId, actorId: m.userId, action: "user.signed_in" },
      orderBy: { at: "desc" },
    });
    expect(JSON.parse(event.data ?? "{}")).toMatchObject({ method: "passkey" });
  });

  it.each([
    ["a replayed assertion", "replay"],
    ["a challenge never issued", "unissued"],
    ["a challenge issued for a step-up", "other-purpose"],
    ["another origin", "origin"],
    ["another relying party id", "rpid"],
    ["no user verification", "no-uv"],
    ["a counter that did not advance (a cloned authenticator)", "counter"],
    ["a credential nobody registered", "unknown"],
    ["a signature by another key", "wrong-key"],
    ["a challenge issued to another browser (relayed)", "other-browser"],
  ])("refuses %s: no session, nothing changed, audited", async (_label, kind) => {
    const m = await member();
    const { credential } = await enrol(m);
    const options = await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, rp);
    let response: Record<string, unknown>;
    // The challenge in the asking browser's cookie.
    let browser = options.challenge;
    if (kind === "replay") {
      response = assert(credential, options, ceremony);
      await signInWithPasskey(db, assertion(response), rp, m.meta, browser);
    } else if (kind === "unissued") response = assert(credential, options, { ...ceremony, challenge: "dW5pc3N1ZWQtY2hhbGxlbmdlLXZhbHVl" });
    else if (kind === "other-purpose") {
      const stepUp = await passkeyAuthenticationOptions(db, { purpose: "step_up", sessionId: m.sessionId }, rp, m.userId);
      response = assert(credential, stepUp, ceremony);
    } else if (kind === "origin") response = assert(credential, options, { ...ceremony, origin: "https://keyward.test.evil.example" });
    else if (kind === "rpid") response = assert(credential, options, { ...ceremony, rpId: "evil.example" });
    else if (kind === "no-uv") response = assert(credential, options, { ...ceremony, userVerified: false });
    else if (kind === "counter") {
      const first = await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, rp);
      await signInWithPasskey(db, assertion(assert(credential, first, ceremony)), rp, m.meta, first.challenge);
      response = assert(credential, options, { ...ceremony, counter: 1 });
    } else if (kind === "unknown") {
      const stranger = createCredential({ challenge: "x", rp: { id: rp.rpID }, user: { id: "usr_x" } }, ceremony).credential;
      response = assert(stranger, options, ceremony);
    } else if (kind === "other-browser") {
      // A valid assertion of a challenge this browser was not given: the asking browser holds another one.
      response = assert(credential, options, ceremony);
      browser = (await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, rp)).challenge;
    } else {
      const other = createCredential({ challenge: "x", rp: { id: rp.rpID }, user: { id: "usr_x" } }, ceremony).credential;
      response = assert({ ...other, id: credential.id }, options, ceremony);
    }
    const before = await state(m.userId);
    const failuresBefore = await db.auditEvent.count({ where: { action: "user.sign_in_failed", outcome: "failed" } });
    expect(await refusal(signInWithPasskey(db, assertion(response), rp, m.meta, browser))).toBe("UNAUTHENTICATED");
    expect(await state(m.userId)).toEqual(before);
    expect(await db.auditEvent.count({ where: { action: "user.sign_in_failed", outcome: "failed" } })).toBeGreaterThan(failuresBefore);
  });

  it("is throttled per account like a password: after the free failures even a good assertion waits", async () => {
    const m = await member();
    const { credential } = await enrol(m);
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) {
      const options = await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, rp);
      const bad = assert(credential, options, { ...ceremony, origin: "https://evil.example" });
      expect(await refusal(signInWithPasskey(db, assertion(bad), rp, { ...m.meta, ip: `192.0.2.${i + 1}` }, options.challenge))).toBe(
        "UNAUTHENTICATED",
      );
    }
    const options = await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, rp);
    const good = assert(credential, options, ceremony);
    const before = await state(m.userId);
    expect(await refusal(signInWithPasskey(db, assertion(good), rp, { ...m.meta, ip: "192.0.2.99" }, options.challenge))).toBe(
      "RATE_LIMITED",
    );
    expect(await state(m.userId)).toEqual(before);
    // The password shares the account's count.
    expect(await refusal(signIn(db, m.email, PASSWORD, m.meta))).toBe("RATE_LIMITED");
    expect(await db.auditEvent.count({ where: { orgId: A.orgId, actorId: m.userId, action: "user.sign_in_throttled" } })).toBeGreaterThan(
      0,
    );
  });

  it("respects single sign-on: an organization that requires SSO is out of a passkey session's reach", async () => {
    const C = await createOrg(db, { name: "Charlie Passkeys" });
    const m = await addMember(db, C.orgId, "lead", { passwordHash });
    const session = await db.session.findFirstOrThrow({ where: { tokenHash: hashSessionToken(m.token) } });
    const options = await passkeyRegistrationOptions(db, { id: m.userId, email: m.email }, session.id, rp);
    const { credential, response } = createCredential(options, ceremony);
    await registerPasskey(db, { id: m.userId, email: m.email }, session.id, { name: "k", response: registration(response) }, rp, {
      ip: "198.18.0.1",
      userAgent: "vitest",
    });
    await db.ssoConfig.create({
      data: { orgId: C.orgId, issuer: "https://idp.example", clientId: "c", clientSecretEnc: "x", requireSso: true },
    });
    const sessionsBefore = await db.session.count({ where: { userId: m.userId } });
    const signInOptions = await passkeyAuthenticationOptions(db, { purpose: "sign_in" }, rp);
    expect(
      await refusal(
        signInWithPasskey(
          db,
          assertion(assert(credential, signInOptions, ceremony)),
          rp,
          { ip: "198.18.0.1", userAgent: "vitest" },
          signInOptions.challenge,
        ),
      ),
    ).toBe("FORBIDDEN");
    expect(await db.session.count({ where: { userId: m.userId } })).toBe(sessionsBefore);
  });
});

describe("a passkey as the second factor", () => {
  it("completes a password sign-in; a challenge of another pending sign-in or another member's passkey is refused", async () => {
    const m = await member();
    const other = await member();
    const { credential } = await enrol(m);
    const { credential: othersKey } = await enrol(other);
    const first = await signIn(db, m.email, PASSWORD, m.meta);
    const second = await signIn(db, m.email, PASSWORD, m.meta);
    if (!first.secondFactor || !second.secondFactor) throw new Error("expected pending sign-ins");
    const pending = (await findPendingSignIn(db, first.pendingToken))!;
    const pending2 = (await findPendingSignIn(db, second.pendingToken))!;
    const options = await passkeyAuthenticationOptions(db, { purpose: "second_factor", pendingSignInId: pending.id }, rp, m.userId);
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([credential.id]);
    expect(options.userVerification).toBe("preferred");

    const before = await state(m.userId);
    // Answered on the other pending sign-in: not its challenge.
    expect(
      await refusal(
        completePasskeySecondFactorSignIn(db, second.pendingToken, assertion(assert(credential, options, ceremony)), rp, m.meta),
      ),
    ).toBe("VALIDATION");
    // Another member's passkey, on a challenge issued to this pending sign-in.
    const options2 = await passkeyAuthenticationOptions(db, { purpose: "second_factor", pendingSignInId: pending2.id }, rp, m.userId);
    expect(
      await refusal(
        completePasskeySecondFactorSignIn(db, second.pendingToken, assertion(assert(othersKey, options2, ceremony)), rp, m.meta),
      ),
    ).toBe("VALIDATION");
    expect(await state(m.userId)).toEqual(before);
    expect(await db.auditEvent.count({ where: { orgId: A.orgId, actorId: m.userId, action: "user.second_factor_failed" } })).toBe(2);

    const options3 = await passkeyAuthenticationOptions(db, { purpose: "second_factor", pendingSignInId: pending.id }, rp, m.userId);
    const session = await completePasskeySecondFactorSignIn(
      db,
      first.pendingToken,
      assertion(assert(credential, options3, ceremony)),
      rp,
      m.meta,
    );
    expect(session.userId).toBe(m.userId);
    expect(await findPendingSignIn(db, first.pendingToken)).toBeNull();
    const event = await db.auditEvent.findFirstOrThrow({
      where: { orgId: A.orgId, actorId: m.userId, action: "user.signed_in" },
      orderBy: { at: "desc" },
    });
    expect(JSON.parse(event.data ?? "{}")).toMatchObject({ secondFactor: "passkey" });
  });

  it("proves a step-up (bound to the session); a member with passkeys only can still use a recovery code", async () => {
    const m = await member();
    const { credential, recoveryCodes } = await enrol(m);
    const stale = new Date(Date.now() - 60 * 60_000);
    await db.session.update({ where: { id: m.sessionId }, data: { reauthenticatedAt: stale } });
    // The password is not the proof once there is a second factor.
    expect(
      await refusal(
        proveIdentity(db, { userId: m.userId, sessionId: m.sessionId }, { method: "password", password: PASSWORD }, m.meta, new Date(), rp),
      ),
    ).toBe("VALIDATION");
    // A challenge issued to another session does not prove this one.
    const other = await createSession(db, m.userId, A.orgId, m.meta);
    const otherId = (await db.session.findFirstOrThrow({ where: { tokenHash: hashSessionToken(other.token) } })).id;
    const foreign = await passkeyAuthenticationOptions(db, { purpose: "step_up", sessionId: otherId }, rp, m.userId);
    const proof = (response: Record<string, unknown>) => ({ method: "passkey" as const, response: assertion(response) });
    expect(
      await refusal(
        proveIdentity(
          db,
          { userId: m.userId, sessionId: m.sessionId },
          proof(assert(credential, foreign, ceremony)),
          m.meta,
          new Date(),
          rp,
        ),
      ),
    ).toBe("VALIDATION");
    expect((await db.session.findUniqueOrThrow({ where: { id: m.sessionId } })).reauthenticatedAt).toEqual(stale);

    const options = await passkeyAuthenticationOptions(db, { purpose: "step_up", sessionId: m.sessionId }, rp, m.userId);
    const result = await proveIdentity(
      db,
      { userId: m.userId, sessionId: m.sessionId },
      proof(assert(credential, options, ceremony)),
      m.meta,
      new Date(),
      rp,
    );
    expect(result.method).toBe("second-factor");
    expect((await db.session.findUniqueOrThrow({ where: { id: m.sessionId } })).reauthenticatedAt!.getTime()).toBeGreaterThan(
      stale.getTime(),
    );
    expect(await checkSecondFactor(db, m.user, recoveryCodes![0], m.meta, "step_up")).toMatchObject({ ok: true, method: "recovery_code" });
  });
});

describe("removing a passkey", () => {
  it("removes only the member's own; with the last factor the recovery codes go; audited", async () => {
    const m = await member();
    const other = await member();
    await enrol(m, "Old phone");
    await enrol(other);
    const [mine] = await db.passkey.findMany({ where: { userId: m.userId } });
    const [theirs] = await db.passkey.findMany({ where: { userId: other.userId } });
    const before = await state(other.userId);
    expect(await refusal(removePasskey(db, m.user, theirs.id, m.meta))).toBe("NOT_FOUND");
    expect(await state(other.userId)).toEqual(before);

    await removePasskey(db, m.user, mine.id, m.meta);
    expect(await db.passkey.count({ where: { userId: m.userId } })).toBe(0);
    expect(await db.recoveryCode.count({ where: { userId: m.userId } })).toBe(0);
    expect(await userHasSecondFactor(db, m.userId)).toBe(false);
    const event = await db.auditEvent.findFirstOrThrow({
      where: { orgId: B.orgId, actorId: m.userId, action: "user.second_factor_removed" },
    });
    expect(JSON.parse(event.data ?? "{}")).toMatchObject({ factor: "passkey", passkey: "Old phone" });
  });
});

const env = (vars: Record<string, string>) => vars as unknown as NodeJS.ProcessEnv;

describe("relying party configuration", () => {
  it("takes KEYWARD_WEBAUTHN_ORIGIN and KEYWARD_WEBAUTHN_RP_ID, else the public origin and its host name", () => {
    expect(relyingParty("console.example.com:8443", { secure: true }, env({}))).toMatchObject({
      origin: "https://console.example.com:8443",
      rpID: "console.example.com",
    });
    expect(relyingParty("10.0.0.5:3000", { secure: false }, env({ KEYWARD_PUBLIC_URL: "https://keys.example.com/" }))).toMatchObject({
      origin: "https://keys.example.com",
      rpID: "keys.example.com",
    });
    expect(
      relyingParty(
        "internal:3000",
        { secure: false },
        env({ KEYWARD_WEBAUTHN_ORIGIN: "https://keys.example.com", KEYWARD_WEBAUTHN_RP_ID: "example.com" }),
      ),
    ).toMatchObject({ origin: "https://keys.example.com", rpID: "example.com" });
  });
});
