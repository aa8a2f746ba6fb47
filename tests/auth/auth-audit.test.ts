import { describe, expect, it } from "vitest";
import { flushCollapsedRefusals, recordRefusal } from "@/lib/audit-refusals";
import { auditActionRefusal } from "@/lib/actions/refusal-audit";
import { runAction } from "@/lib/actions/run-action";
import { changePassword, WRONG_CURRENT_PASSWORD } from "@/lib/auth/change-password";
import { recordSignOut, signIn } from "@/lib/auth/login";
import { deleteSession } from "@/lib/auth/sessions";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { loadSessionContext } from "@/lib/auth/session-context";
import { BASE_LOCK_MS } from "@/lib/auth/throttle";
import { acceptInvite, createInvite } from "@/lib/members/invites";
import { auditCsvRecord, AUDIT_CSV_COLUMNS, listAuditEvents, parseAuditParams } from "@/lib/queries/audit";
import { bootstrapInstallation } from "@/lib/setup/bootstrap";
import { changePasswordSchema, setupSchema } from "@/lib/validations/auth";
import { setUpTestDb, testMeta } from "../support/db";
import { createOrg } from "../support/fixtures";
import { addMember, adminActor } from "../support/members";

// Authentication events and refusals in the audit log, with an outcome; passwords checked against common and
// breached ones; the password change. Services on a real database (both backends).

const { db } = await setUpTestDb();

async function rows(orgId: string, where: Record<string, unknown> = {}) {
  return db.auditEvent.findMany({ where: { orgId, ...where }, orderBy: { id: "asc" } });
}

describe("sign-in, sign-out and throttling are audited with an outcome", () => {
  it("records success, failure (attempted email normalized), throttling and sign-out", async () => {
    const org = await createOrg(db, { name: "Signins" });
    const member = await addMember(db, org.orgId, "lead", { passwordHash: await hashPassword("right horse battery staple") });
    await expect(signIn(db, member.email, "wrong", { ip: "198.51.100.1", userAgent: "t" })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    const session = await signIn(db, member.email, "right horse battery staple", { ip: "198.51.100.1", userAgent: "t" });
    await recordSignOut(db, session.token, { ip: "198.51.100.1", userAgent: "t" });
    await deleteSession(db, session.token);
    expect(await loadSessionContext(db, session.token)).toBeNull();
    const events = (await rows(org.orgId, { actorId: member.userId })).map((e) => [e.action, e.outcome, JSON.parse(e.data).email ?? null]);
    expect(events).toEqual([
      ["user.sign_in_failed", "failed", member.email],
      ["user.signed_in", "success", null],
      ["user.signed_out", "success", null],
    ]);
  });

  it("records an unknown address in every organization as an anonymous actor, and a throttled attempt as denied", async () => {
    const a = await createOrg(db, { name: "A" });
    const b = await createOrg(db, { name: "B" });
    const ip = "198.51.100.9";
    // The schema normalizes the address before signIn sees it.
    const email = setupSchema.shape.email.parse("  Nobody@Example.COM ");
    await expect(signIn(db, email, "x", { ip, userAgent: "t" })).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    for (const org of [a, b]) {
      const [row] = await rows(org.orgId, { action: "user.sign_in_failed", actorLabel: "nobody@example.com" });
      expect(row).toMatchObject({ actorType: "anonymous", actorId: null, outcome: "failed", ip });
    }
    const lock = { failures: 10, lockedUntil: new Date(Date.now() + BASE_LOCK_MS * 10) };
    await db.loginThrottle.upsert({ where: { subject: `ip:${ip}` }, create: { subject: `ip:${ip}`, ...lock }, update: lock });
    // Throttled attempts with made-up addresses from one address collapse into one actor per minute.
    for (const spray of [email, "a@example.com", "b@example.com"]) {
      await expect(signIn(db, spray, "x", { ip, userAgent: "t" })).rejects.toMatchObject({ code: "RATE_LIMITED" });
    }
    expect(await rows(a.orgId, { action: "user.sign_in_throttled" })).toEqual([
      expect.objectContaining({
        outcome: "denied",
        actorType: "anonymous",
        actorLabel: "unknown account",
        data: JSON.stringify({ address: ip, count: 1 }),
      }),
    ]);
  });
});

describe("refusals are collapsed per minute, only ever inserted", () => {
  it("writes the first refusal at once and the repeats of its minute as one row with their count", async () => {
    const org = await createOrg(db, { name: "Refusals" });
    const auditor = await addMember(db, org.orgId, "auditor");
    const ctx = (await loadSessionContext(db, auditor.token))!;
    const keyId = "key_ABCDEFGHIJ0123456789";
    for (let i = 0; i < 5; i++) await auditActionRefusal(db, ctx, "keys:revoke", { keyId, confirmName: "x" }, testMeta);
    await auditActionRefusal(db, ctx, "settings:manage", { name: "other" }, testMeta);
    let refused = await rows(org.orgId, { action: "action.refused" });
    expect(refused.map((e) => [e.outcome, e.targetType, e.targetId, JSON.parse(e.data)])).toEqual([
      ["denied", "key", keyId, { permission: "keys:revoke", role: "auditor", reason: "FORBIDDEN", count: 1 }],
      ["denied", null, null, { permission: "settings:manage", role: "auditor", reason: "FORBIDDEN", count: 1 }],
    ]);
    expect(await flushCollapsedRefusals({ now: new Date(Date.now() + 60_000) })).toBeGreaterThanOrEqual(1);
    refused = await rows(org.orgId, { action: "action.refused" });
    expect(refused.map((e) => JSON.parse(e.data).count)).toEqual([1, 1, 4]);
  });

  it("collapses a burst that crosses a clock minute into one group, and starts a new one a minute after its first", async () => {
    const org = await createOrg(db, { name: "Burst" });
    const event = {
      orgId: org.orgId,
      actor: { type: "key" as const, id: "key_burst", label: "Burst key" },
      action: "api.request_refused",
      outcome: "denied" as const,
      data: { reason: "INSUFFICIENT_SCOPE" },
    };
    const first = Date.UTC(2026, 11, 2, 12, 0, 59, 900);
    const at = (ms: number) => new Date(first + ms);
    expect(await recordRefusal(db, event, at(0))).toBe(true);
    expect(await recordRefusal(db, event, at(200))).toBe(false); // 12:01:00.100, past the clock minute
    expect(await recordRefusal(db, event, at(59_000))).toBe(false);
    expect(await flushCollapsedRefusals({ now: at(59_999) })).toBe(0);
    expect(await recordRefusal(db, event, at(60_000))).toBe(true); // a minute after the first: a new group
    const counts = (await rows(org.orgId)).map((e) => [e.at.getTime() - first, JSON.parse(e.data).count]);
    expect(counts).toEqual([
      [0, 1],
      [59_999, 2],
      [60_000, 1],
    ]);
    await flushCollapsedRefusals({ now: at(120_000) });
  });
});

describe("the audit log filters by outcome", () => {
  it("on the page and in the CSV", async () => {
    const org = await createOrg(db, { name: "Filter" });
    const member = await addMember(db, org.orgId, "admin", { passwordHash: await hashPassword("right horse battery staple") });
    await signIn(db, member.email, "right horse battery staple", testMeta);
    await expect(signIn(db, member.email, "nope", testMeta)).rejects.toBeTruthy();
    const failed = await listAuditEvents(db, org.orgId, parseAuditParams({ outcome: "failed" }));
    expect(failed.rows.map((r) => [r.action, r.outcome])).toEqual([["user.sign_in_failed", "failed"]]);
    const success = await listAuditEvents(db, org.orgId, parseAuditParams({ outcome: "success" }));
    expect(success.rows.every((r) => r.outcome === "success")).toBe(true);
    expect(parseAuditParams({ outcome: "bogus" }).outcome).toBeUndefined();
    expect(auditCsvRecord(failed.rows[0])[AUDIT_CSV_COLUMNS.indexOf("outcome")]).toBe("failed");
  });
});

describe("new passwords are checked against common and breached passwords", () => {
  it("refuses password1234 at setup and at invite acceptance, with a field error", async () => {
    const setup = await runAction(
      setupSchema,
      { orgName: "Weak", keyPrefix: "kw", email: "weak@example.com", password: "password1234" },
      (i) => bootstrapInstallation(db, i, testMeta),
    );
    expect(setup).toMatchObject({ ok: false, code: "VALIDATION", fieldErrors: { password: expect.stringMatching(/too easy to guess/) } });
    expect(await db.installation.count()).toBe(0);

    const org = await createOrg(db, { name: "Invites" });
    const invite = await createInvite(db, adminActor(org), { email: "weak.invitee@example.com", role: "lead" });
    for (const weak of ["password1234", "qwertyuiop12"]) {
      await expect(acceptInvite(db, invite.token, weak, testMeta)).rejects.toMatchObject({
        code: "VALIDATION",
        fieldErrors: { password: expect.stringMatching(/too easy to guess/) },
      });
    }
    expect(await db.user.findUnique({ where: { email: "weak.invitee@example.com" } })).toBeNull();
    await acceptInvite(db, invite.token, "a new password 123", testMeta);
  });
});

describe("changing one's password", () => {
  it("needs the current password, refuses a weak new one, and signs out the other sessions only", async () => {
    const org = await createOrg(db, { name: "Change" });
    const member = await addMember(db, org.orgId, "auditor", { passwordHash: await hashPassword("old horse battery staple") });
    const other = await signIn(db, member.email, "old horse battery staple", { ip: "203.0.113.50", userAgent: "laptop" });
    const ctx = (await loadSessionContext(db, member.token))!;
    const change = (input: unknown) =>
      runAction(changePasswordSchema, input, (i) => changePassword(db, { userId: ctx.user.id, sessionId: ctx.sessionId }, i, testMeta));

    expect(await change({ currentPassword: "wrong one", newPassword: "new horse battery staple" })).toMatchObject({
      ok: false,
      fieldErrors: { currentPassword: WRONG_CURRENT_PASSWORD },
    });
    expect(await rows(org.orgId, { action: "user.password_change_failed" })).toEqual([expect.objectContaining({ outcome: "failed" })]);
    expect(await change({ currentPassword: "old horse battery staple", newPassword: "password1234" })).toMatchObject({
      ok: false,
      fieldErrors: { newPassword: expect.stringMatching(/too easy to guess/) },
    });
    expect(await change({ currentPassword: "old horse battery staple", newPassword: "new horse battery staple" })).toEqual({
      ok: true,
      data: { otherSessionsEnded: 1 },
    });
    expect(await loadSessionContext(db, other.token)).toBeNull();
    expect(await loadSessionContext(db, member.token)).not.toBeNull();
    const user = await db.user.findUniqueOrThrow({ where: { id: member.userId } });
    expect(await verifyPassword(user.passwordHash, "new horse battery staple")).toBe(true);
    expect(await rows(org.orgId, { action: "user.password_changed" })).toEqual([
      expect.objectContaining({ outcome: "success", actorId: member.userId }),
    ]);
  });
});

describe("the password estimate", () => {
  it("stays fast on crafted input (l33t-heavy, repeated, at the length limit) and still catches l33t variants", async () => {
    const { weakPasswordMessage } = await import("@/lib/auth/password-strength");
    weakPasswordMessage("warm up the dictionaries");
    const started = performance.now();
    for (const crafted of ["p4$$w0rd".repeat(32), "aB3$".repeat(64), "!1|i".repeat(64)]) weakPasswordMessage(crafted);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(weakPasswordMessage("p@ssw0rd1234")).toMatch(/too easy to guess/);
    expect(weakPasswordMessage("correct horse battery staple")).toBeNull();
  });
});
