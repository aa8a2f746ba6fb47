import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runAction } from "@/lib/actions/run-action";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { loadSessionContext } from "@/lib/auth/session-context";
import { endOtherSessions, endOwnSession, listActiveSessions } from "@/lib/auth/session-list";
import { createSession, hashSessionToken } from "@/lib/auth/sessions";
import { hasFreshProof, proveIdentity, stepUpWindowMs } from "@/lib/auth/step-up";
import { describeDevice } from "@/lib/auth/device";
import { completePasswordReset, issuePasswordReset, RESET_INVALID, RESET_OTHER_ORGS, RESET_TTL_MS } from "@/lib/members/password-reset";
import { resetPasswordSchema } from "@/lib/validations/password-reset";
import { stepUpProofSchema } from "@/lib/validations/step-up";
import { setUpTestDb, testBackend, testMeta } from "../support/db";
import { createOrg } from "../support/fixtures";
import { addMember, adminActor } from "../support/members";
import { enrolTotp, totpCode } from "../support/two-factor";

const { db, url } = await setUpTestDb();
const org = await createOrg(db, { name: "Step Up", keyPrefix: "step" });
const PASSWORD = "correct horse battery";
const passwordHash = await hashPassword(PASSWORD);
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX_ANDROID = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0";

async function memberWithPassword(role: "admin" | "lead" | "auditor" = "lead") {
  const member = await addMember(db, org.orgId, role, { passwordHash });
  return member;
}

const sessionRow = (token: string) => db.session.findUniqueOrThrow({ where: { tokenHash: hashSessionToken(token) } });
const prove = (who: { userId: string; sessionId: string }, raw: unknown, meta = testMeta) =>
  runAction(stepUpProofSchema, raw, (input) => proveIdentity(db, who, input, meta));

describe("step-up proof", () => {
  it("sign-in counts as a proof for 10 minutes, then it is stale", async () => {
    const m = await memberWithPassword();
    const row = await sessionRow(m.token);
    expect(row.reauthenticatedAt).not.toBeNull();
    expect(stepUpWindowMs({})).toBe(10 * 60_000);
    expect(hasFreshProof(row.reauthenticatedAt, new Date(row.reauthenticatedAt!.getTime() + 9 * 60_000))).toBe(true);
    expect(hasFreshProof(row.reauthenticatedAt, new Date(row.reauthenticatedAt!.getTime() + 11 * 60_000))).toBe(false);
    // A session that never proved anything (made before this column existed) has no proof.
    expect(hasFreshProof(null)).toBe(false);
  });

  it("the right password renews the proof of this session only; a wrong one is refused and audited", async () => {
    const m = await memberWithPassword();
    const other = await createSession(db, m.userId, org.orgId, testMeta);
    const old = new Date(Date.now() - 20 * 60_000);
    await db.session.updateMany({ where: { userId: m.userId }, data: { reauthenticatedAt: old } });
    const session = await sessionRow(m.token);

    const wrong = await prove({ userId: m.userId, sessionId: session.id }, { method: "password", password: "guess guess guess" });
    expect(wrong).toMatchObject({ ok: false, code: "VALIDATION", fieldErrors: { password: "That is not your password" } });
    expect((await sessionRow(m.token)).reauthenticatedAt).toEqual(old);
    expect(await db.auditEvent.count({ where: { action: "user.step_up_failed", actorId: m.userId, outcome: "failed" } })).toBe(1);

    const right = await prove({ userId: m.userId, sessionId: session.id }, { method: "password", password: PASSWORD });
    expect(right).toMatchObject({ ok: true, data: { method: "password" } });
    expect(hasFreshProof((await sessionRow(m.token)).reauthenticatedAt)).toBe(true);
    expect((await sessionRow(other.token)).reauthenticatedAt).toEqual(old);
    expect(await db.auditEvent.count({ where: { action: "user.stepped_up", actorId: m.userId } })).toBe(1);
  });

  it("is throttled like a sign-in: after the free failures even the right password is refused unchecked", async () => {
    const m = await memberWithPassword();
    const session = await sessionRow(m.token);
    const who = { userId: m.userId, sessionId: session.id };
    const meta = { ...testMeta, ip: "198.51.100.23" };
    for (let i = 0; i < 5; i++)
      expect(await prove(who, { method: "password", password: `wrong ${i} wrong` }, meta)).toMatchObject({ ok: false, code: "VALIDATION" });
    expect(await prove(who, { method: "password", password: PASSWORD }, meta)).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    expect(await db.auditEvent.count({ where: { action: "user.step_up_throttled", actorId: m.userId, outcome: "denied" } })).toBe(1);
  });

  it("asks for the member's method: a second-factor code is refused while the member has none", async () => {
    const m = await memberWithPassword();
    const session = await sessionRow(m.token);
    expect(await prove({ userId: m.userId, sessionId: session.id }, { method: "second-factor", code: "123456" })).toMatchObject({
      ok: false,
      code: "VALIDATION",
    });
  });
});

describe("step-up with a second factor", () => {
  it("a member with an authenticator app proves with a code, not the password; each code once", async () => {
    const m = await memberWithPassword();
    const { secret } = await enrolTotp(db, { id: m.userId, email: m.email });
    const old = new Date(Date.now() - 20 * 60_000);
    await db.session.updateMany({ where: { userId: m.userId }, data: { reauthenticatedAt: old } });
    const who = { userId: m.userId, sessionId: (await sessionRow(m.token)).id };

    // The password alone is not this member's proof any more.
    expect(await prove(who, { method: "password", password: PASSWORD })).toMatchObject({ ok: false, code: "VALIDATION" });
    expect((await sessionRow(m.token)).reauthenticatedAt).toEqual(old);
    // The enrolment used the current step: the next one is a fresh code.
    const code = totpCode(secret, 1);
    expect(await prove(who, { method: "second-factor", code })).toMatchObject({ ok: true, data: { method: "second-factor" } });
    expect(hasFreshProof((await sessionRow(m.token)).reauthenticatedAt)).toBe(true);
    // The same code again (a replay) is refused and audited.
    expect(await prove(who, { method: "second-factor", code })).toMatchObject({
      ok: false,
      code: "VALIDATION",
      fieldErrors: { code: expect.any(String) },
    });
    expect(await db.auditEvent.count({ where: { action: "user.second_factor_failed", actorId: m.userId } })).toBeGreaterThan(0);
  });

  it("a reset link for a member with a second factor also needs a code", async () => {
    const m = await memberWithPassword("auditor");
    const { recoveryCodes } = await enrolTotp(db, { id: m.userId, email: m.email });
    const issued = await issuePasswordReset(db, adminActor(org), m.memberId);
    const fresh = "violet harbour compass meadow";
    expect(
      await runAction(resetPasswordSchema, { token: issued.token, password: fresh }, (input) => completePasswordReset(db, input, testMeta)),
    ).toMatchObject({
      ok: false,
    });
    const withCode = await runAction(resetPasswordSchema, { token: issued.token, password: fresh, code: recoveryCodes[0] }, (input) =>
      completePasswordReset(db, input, testMeta),
    );
    expect(withCode).toMatchObject({ ok: true });
    expect(await verifyPassword((await db.user.findUniqueOrThrow({ where: { id: m.userId } })).passwordHash, fresh)).toBe(true);
  });
});

describe("active sessions", () => {
  it("lists the member's sessions with device, address and the current one first", async () => {
    const m = await memberWithPassword();
    const phone = await createSession(db, m.userId, org.orgId, { ip: "192.0.2.44", userAgent: FIREFOX_ANDROID });
    const laptop = await createSession(db, m.userId, org.orgId, { ip: "192.0.2.45", userAgent: CHROME_MAC });
    const current = await sessionRow(laptop.token);
    const list = await listActiveSessions(db, m.userId, current.id);
    expect(list).toHaveLength(3);
    expect(list[0]).toMatchObject({ id: current.id, current: true, ip: "192.0.2.45", device: "Chrome 131 on macOS Catalina" });
    expect(list.find((s) => s.ip === "192.0.2.44")).toMatchObject({ current: false, device: "Firefox 133 on Android (mobile)" });
    expect(list.filter((s) => s.current)).toHaveLength(1);
    expect(describeDevice(null)).toBe("Unknown device");
    void phone;
  });

  it("sign out one session, then everywhere else: the others end on their next request, this one goes on", async () => {
    const m = await memberWithPassword();
    const a = await createSession(db, m.userId, org.orgId, testMeta);
    const b = await createSession(db, m.userId, org.orgId, testMeta);
    const c = await createSession(db, m.userId, org.orgId, testMeta);
    const current = await sessionRow(m.token);
    const who = { userId: m.userId, email: m.email, sessionId: current.id };

    await endOwnSession(db, who, (await sessionRow(a.token)).id, testMeta);
    expect(await loadSessionContext(db, a.token)).toBeNull();
    expect(await loadSessionContext(db, b.token)).not.toBeNull();

    // Another user's session id is not found, and stays.
    const stranger = await memberWithPassword();
    const strangerRow = await sessionRow(stranger.token);
    await expect(endOwnSession(db, who, strangerRow.id, testMeta)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await loadSessionContext(db, stranger.token)).not.toBeNull();
    await expect(endOwnSession(db, who, current.id, testMeta)).rejects.toMatchObject({ code: "VALIDATION" });

    expect(await endOtherSessions(db, who, testMeta)).toEqual({ ended: 2 });
    expect(await loadSessionContext(db, b.token)).toBeNull();
    expect(await loadSessionContext(db, c.token)).toBeNull();
    expect(await loadSessionContext(db, m.token)).not.toBeNull();
    expect(await db.auditEvent.count({ where: { action: "user.sessions_ended", actorId: m.userId } })).toBe(2);
  });
});

describe("password reset links", () => {
  const reset = (raw: unknown, meta = testMeta) => runAction(resetPasswordSchema, raw, (input) => completePasswordReset(db, input, meta));

  it("one hour, single use, only its hash stored; sets the password and ends every session of the member", async () => {
    const m = await memberWithPassword("auditor");
    const second = await createSession(db, m.userId, org.orgId, testMeta);
    const issued = await issuePasswordReset(db, adminActor(org), m.memberId);
    expect(issued.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await db.passwordReset.findFirstOrThrow({ where: { userId: m.userId } });
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(RESET_TTL_MS);
    expect(JSON.stringify(row)).not.toContain(issued.token);
    if (testBackend === "sqlite") expect(readFileSync(url.replace(/^file:/, "")).includes(Buffer.from(issued.token))).toBe(false);

    expect(await reset({ token: issued.token, password: "password1234" })).toMatchObject({
      ok: false,
      fieldErrors: { password: expect.stringMatching(/too easy/) },
    });
    const fresh = "lantern quartz meadow trombone";
    expect(await reset({ token: issued.token, password: fresh })).toMatchObject({ ok: true, data: { sessionsEnded: 2 } });
    const user = await db.user.findUniqueOrThrow({ where: { id: m.userId } });
    expect(await verifyPassword(user.passwordHash, fresh)).toBe(true);
    expect(await loadSessionContext(db, m.token)).toBeNull();
    expect(await loadSessionContext(db, second.token)).toBeNull();
    expect(await db.auditEvent.count({ where: { action: "user.password_reset", targetId: m.userId } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "member.password_reset_issued", targetId: m.memberId } })).toBe(1);

    // Used once: the same link is refused and changes nothing.
    expect(await reset({ token: issued.token, password: "another long phrase of words" })).toMatchObject({
      ok: false,
      error: RESET_INVALID,
    });
    expect(await verifyPassword((await db.user.findUniqueOrThrow({ where: { id: m.userId } })).passwordHash, fresh)).toBe(true);
  });

  it("an expired link, and a link replaced by a newer one, are refused", async () => {
    const m = await memberWithPassword("auditor");
    const first = await issuePasswordReset(db, adminActor(org), m.memberId);
    const second = await issuePasswordReset(db, adminActor(org), m.memberId);
    expect(
      await reset({ token: first.token, password: "lantern quartz meadow trombone" }, { ...testMeta, ip: "192.0.2.90" }),
    ).toMatchObject({ ok: false, error: RESET_INVALID });
    await db.passwordReset.updateMany({ where: { userId: m.userId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(
      await reset({ token: second.token, password: "lantern quartz meadow trombone" }, { ...testMeta, ip: "192.0.2.90" }),
    ).toMatchObject({ ok: false, error: RESET_INVALID });
    expect((await db.user.findUniqueOrThrow({ where: { id: m.userId } })).passwordHash).toBe(passwordHash);
  });

  it("dead links are throttled per address", async () => {
    const meta = { ...testMeta, ip: "192.0.2.91" };
    for (let i = 0; i < 5; i++)
      expect(await reset({ token: "b".repeat(43), password: "lantern quartz meadow trombone" }, meta)).toMatchObject({
        ok: false,
        error: RESET_INVALID,
      });
    expect(await reset({ token: "b".repeat(43), password: "lantern quartz meadow trombone" }, meta)).toMatchObject({
      ok: false,
      code: "RATE_LIMITED",
    });
  });

  it("refuses one's own account, another organization's member, and a member who also belongs elsewhere", async () => {
    await expect(
      issuePasswordReset(db, adminActor(org), (await db.membership.findFirstOrThrow({ where: { userId: org.userId } })).id),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    const other = await createOrg(db, { name: "Elsewhere", keyPrefix: "else" });
    const outsider = await addMember(db, other.orgId, "auditor");
    await expect(issuePasswordReset(db, adminActor(org), outsider.memberId)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const both = await memberWithPassword("auditor");
    await db.membership.create({ data: { id: `mem_${"B".repeat(20)}`, orgId: other.orgId, userId: both.userId, role: "admin" } });
    await expect(issuePasswordReset(db, adminActor(org), both.memberId)).rejects.toMatchObject({
      code: "CONFLICT",
      message: RESET_OTHER_ORGS,
    });
    expect(await db.passwordReset.count({ where: { userId: { in: [outsider.userId, both.userId] } } })).toBe(0);
  });
});
