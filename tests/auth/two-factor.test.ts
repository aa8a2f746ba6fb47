import { readFileSync, existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { completeSecondFactorSignIn, signIn } from "@/lib/auth/login";
import { hashPassword } from "@/lib/auth/password";
import { ACCOUNT_FREE_FAILURES, IP_FREE_FAILURES } from "@/lib/auth/throttle";
import { confirmTotpEnrolment, regenerateRecoveryCodes, removeTotp, startTotpEnrolment } from "@/lib/auth/two-factor/enrolment";
import { PENDING_MAX_ATTEMPTS } from "@/lib/auth/two-factor/pending-sign-in";
import { userHasSecondFactor } from "@/lib/auth/two-factor/status";
import { checkSecondFactor } from "@/lib/auth/two-factor/verify";
import { hashSessionToken } from "@/lib/auth/sessions";
import { newId } from "@/lib/ids";
import { setUpTestDb, testBackend } from "../support/db";
import { createOrg } from "../support/fixtures";
import { addMember } from "../support/members";
import { enrolTotp, totpCode } from "../support/two-factor";

const { db, url } = await setUpTestDb();
const A = await createOrg(db, { name: "Alpha 2FA" });
const B = await createOrg(db, { name: "Bravo 2FA" });
const PASSWORD = "correct horse battery staple";
const passwordHash = await hashPassword(PASSWORD);

let n = 0;
/** A member of A and B with a known password, each test its own (throttle counters are per member). */
async function member() {
  const m = await addMember(db, A.orgId, "lead", { passwordHash });
  await db.membership.create({ data: { id: newId("mem"), orgId: B.orgId, userId: m.userId, role: "auditor" } });
  return { id: m.userId, email: m.email, meta: { ip: `198.51.100.${++n}`, userAgent: "vitest" } };
}

async function pendingFor(email: string, meta: { ip: string; userAgent: string }) {
  const result = await signIn(db, email, PASSWORD, meta);
  if (!result.secondFactor) throw new Error("expected a pending sign-in");
  return result.pendingToken;
}

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => "ok",
    (e: { code?: string }) => e.code ?? "error",
  );

describe("authenticator app enrolment", () => {
  it("is active only once a code from the app confirms it; a wrong code leaves it off", async () => {
    const user = await member();
    const { secret, qrSvg, uri } = await startTotpEnrolment(db, user);
    expect(qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(uri).toContain(`secret=${secret}`);
    expect(await userHasSecondFactor(db, user.id)).toBe(false);
    // Not yet a factor: signing in still takes only the password.
    expect((await signIn(db, user.email, PASSWORD, user.meta)).secondFactor).toBe(false);
    await expect(confirmTotpEnrolment(db, user, totpCode(secret, 5), user.meta)).rejects.toMatchObject({ code: "VALIDATION" });
    expect(await userHasSecondFactor(db, user.id)).toBe(false);
    const { recoveryCodes } = await confirmTotpEnrolment(db, user, totpCode(secret), user.meta);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect(await userHasSecondFactor(db, user.id)).toBe(true);
    for (const orgId of [A.orgId, B.orgId]) {
      expect(await db.auditEvent.count({ where: { orgId, actorId: user.id, action: "user.second_factor_enrolled" } })).toBe(1);
    }
  });
});

describe("sign-in with a second factor", () => {
  it("gives no session for the password alone; the code completes it once; the pending token is single-use", async () => {
    const user = await member();
    const { secret } = await enrolTotp(db, user);
    const sessionsBefore = await db.session.count({ where: { userId: user.id } });
    const pending = await pendingFor(user.email, user.meta);
    expect(await db.session.count({ where: { userId: user.id } })).toBe(sessionsBefore);
    // Only the token's hash is stored.
    expect(await db.pendingSignIn.count({ where: { tokenHash: pending } })).toBe(0);
    expect(await db.pendingSignIn.count({ where: { tokenHash: hashSessionToken(pending) } })).toBe(1);

    // The enrolment used this step's code; the next step's is inside the ±1 window.
    const code = totpCode(secret, 1);
    const session = await completeSecondFactorSignIn(db, pending, code, user.meta);
    expect(await db.session.count({ where: { userId: user.id, tokenHash: hashSessionToken(session.token) } })).toBe(1);
    expect(await refusal(completeSecondFactorSignIn(db, pending, totpCode(secret, 1), user.meta))).toBe("UNAUTHENTICATED");

    // The same code again, on a fresh pending sign-in: a replay, refused.
    const again = await pendingFor(user.email, user.meta);
    expect(await refusal(completeSecondFactorSignIn(db, again, code, user.meta))).toBe("VALIDATION");
    // Outside the ±1 window.
    expect(await refusal(completeSecondFactorSignIn(db, again, totpCode(secret, 3), user.meta))).toBe("VALIDATION");
    expect(await db.session.count({ where: { userId: user.id } })).toBe(sessionsBefore + 1);
    const failed = await db.auditEvent.findMany({ where: { orgId: A.orgId, actorId: user.id, action: "user.second_factor_failed" } });
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed[0].outcome).toBe("failed");
  });

  it("takes a recovery code once, audited with the codes left", async () => {
    const user = await member();
    const { recoveryCodes } = await enrolTotp(db, user);
    const code = recoveryCodes[3];
    await completeSecondFactorSignIn(db, await pendingFor(user.email, user.meta), code.toLowerCase().replace("-", " "), user.meta);
    expect(await refusal(completeSecondFactorSignIn(db, await pendingFor(user.email, user.meta), code, user.meta))).toBe("VALIDATION");
    const used = await db.auditEvent.findFirstOrThrow({ where: { orgId: B.orgId, actorId: user.id, action: "user.recovery_code_used" } });
    expect(JSON.parse(used.data)).toMatchObject({ recoveryCodesLeft: 9, purpose: "sign_in" });
  });

  it("regenerating recovery codes invalidates the old ones; removing the app ends the second step", async () => {
    const user = await member();
    const { secret, recoveryCodes } = await enrolTotp(db, user);
    const { recoveryCodes: fresh } = await regenerateRecoveryCodes(db, user, recoveryCodes[0], user.meta);
    expect(await checkSecondFactor(db, user, recoveryCodes[1], user.meta, "test")).toMatchObject({ ok: false, code: "INVALID_CODE" });
    expect(await checkSecondFactor(db, user, fresh[0], user.meta, "test")).toMatchObject({ ok: true, method: "recovery_code" });
    await expect(removeTotp(db, user, "000000", user.meta)).rejects.toMatchObject({ code: "VALIDATION" });
    await removeTotp(db, user, totpCode(secret, 1), user.meta);
    expect(await db.recoveryCode.count({ where: { userId: user.id } })).toBe(0);
    expect((await signIn(db, user.email, PASSWORD, user.meta)).secondFactor).toBe(false);
    expect(await db.auditEvent.count({ where: { orgId: A.orgId, actorId: user.id, action: "user.second_factor_removed" } })).toBe(1);
  });
});

describe("second-factor throttling", () => {
  it("locks the member after repeated wrong codes, even for the right code, and audits each failure", async () => {
    const user = await member();
    const { secret } = await enrolTotp(db, user);
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) {
      expect(await checkSecondFactor(db, user, "000000", user.meta, "test")).toMatchObject({ ok: false, code: "INVALID_CODE" });
    }
    expect(await checkSecondFactor(db, user, totpCode(secret, 1), user.meta, "test")).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    // From another address too: the lock is the member's.
    const elsewhere = { ip: "192.0.2.200", userAgent: "vitest" };
    expect(await checkSecondFactor(db, user, totpCode(secret, 1), elsewhere, "test")).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    // Nothing was consumed while locked.
    expect((await db.totpFactor.findUniqueOrThrow({ where: { userId: user.id } })).lastUsedStep).toBeLessThan(
      Math.floor(Date.now() / 30_000) + 1,
    );
    for (const orgId of [A.orgId, B.orgId]) {
      expect(await db.auditEvent.count({ where: { orgId, actorId: user.id, action: "user.second_factor_failed" } })).toBeGreaterThanOrEqual(
        1,
      );
      expect(
        await db.auditEvent.count({ where: { orgId, actorId: user.id, action: "user.second_factor_throttled", outcome: "denied" } }),
      ).toBeGreaterThanOrEqual(1);
    }
  });

  it("locks an address guessing codes for many members", async () => {
    const ip = { ip: "192.0.2.99", userAgent: "vitest" };
    const users = [];
    for (let i = 0; i <= IP_FREE_FAILURES; i++) users.push(await member());
    const enrolled = [];
    for (const u of users) enrolled.push({ u, ...(await enrolTotp(db, u)) });
    for (const { u } of enrolled.slice(0, IP_FREE_FAILURES)) {
      expect(await checkSecondFactor(db, u, "000000", ip, "test")).toMatchObject({ code: "INVALID_CODE" });
    }
    const last = enrolled[IP_FREE_FAILURES];
    expect(await checkSecondFactor(db, last.u, totpCode(last.secret, 1), ip, "test")).toMatchObject({ ok: false, code: "RATE_LIMITED" });
    // The same member from their own address is not affected.
    expect(await checkSecondFactor(db, last.u, totpCode(last.secret, 1), last.u.meta, "test")).toMatchObject({ ok: true, method: "totp" });
  });

  it("ends a pending sign-in after a handful of wrong codes", async () => {
    const user = await member();
    await enrolTotp(db, user);
    const pending = await pendingFor(user.email, user.meta);
    const outcomes = [];
    // Spread over addresses and past the member's lock window so only the pending sign-in's own cap applies.
    for (let i = 0; i < PENDING_MAX_ATTEMPTS; i++) {
      await db.loginThrottle.deleteMany({ where: { subject: `2fa:${user.id}` } });
      outcomes.push(await refusal(completeSecondFactorSignIn(db, pending, "000000", user.meta)));
    }
    expect(outcomes).toEqual([...Array(PENDING_MAX_ATTEMPTS - 1).fill("VALIDATION"), "UNAUTHENTICATED"]);
    expect(await db.pendingSignIn.count({ where: { tokenHash: hashSessionToken(pending) } })).toBe(0);
  });
});

describe.skipIf(testBackend !== "sqlite")("at rest", () => {
  it("the TOTP secret and the recovery codes are nowhere in the database file in plain text", async () => {
    const user = await member();
    const { secret, recoveryCodes } = await enrolTotp(db, user);
    const file = url.replace(/^file:/, "");
    const bytes = Buffer.concat([file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    const { Secret } = await import("otpauth");
    const secretBytes = Buffer.from(Secret.fromBase32(secret).bytes);
    for (const needle of [secret, secret.toLowerCase(), secretBytes.toString("hex"), secretBytes.toString("base64")]) {
      expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
    }
    expect(bytes.includes(secretBytes)).toBe(false);
    for (const code of recoveryCodes) {
      for (const needle of [code, code.replace("-", ""), code.toLowerCase()])
        expect(bytes.includes(Buffer.from(needle)), needle).toBe(false);
    }
    // The rows are there, sealed and hashed.
    const stored = await db.totpFactor.findUniqueOrThrow({ where: { userId: user.id } });
    expect(stored.secretEnc).toMatch(/^v1\./);
    expect(await db.recoveryCode.count({ where: { userId: user.id, codeHash: { not: "" } } })).toBe(10);
  });
});
