import { createHash, randomBytes } from "node:crypto";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { hashPassword } from "../auth/password";
import { assertStrongPassword } from "../auth/password-strength";
import { memberHasSecondFactor, verifySecondFactorProof } from "../auth/step-up";
import { assertNotThrottled, recordLoginFailure, withVerificationSlot, type ThrottleSubjects } from "../auth/throttle";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import { newId } from "../ids";
import type { ResetPasswordInput } from "../validations/password-reset";
import { recordMemberAudit, type MemberActor } from "./actor";
import { MEMBER_NOT_FOUND } from "./members";

export const RESET_TTL_MS = 60 * 60 * 1000;
export const RESET_INVALID = "This reset link is not valid: it has expired, was already used, or was replaced by a newer one";
export const RESET_OWN_PASSWORD = "Change your own password on your account page";
export const RESET_OTHER_ORGS = "This member also belongs to another organization; they can change their password on their account page";

export function hashResetToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * A single-use, one-hour link that lets a member set a new password, issued by an admin of their organization.
 * Only its SHA-256 is stored; the token is returned once, for the admin to pass on, and replaces any unused
 * earlier link for the same member. A member who also belongs to another organization is refused: this
 * organization's admin must not be able to take over their access elsewhere.
 */
export async function issuePasswordReset(db: Db, by: MemberActor, memberId: string, now = new Date()) {
  const member = await db.membership.findFirst({
    where: { id: memberId, orgId: by.orgId },
    include: { user: { select: { email: true } } },
  });
  if (!member) throw new DomainError("NOT_FOUND", MEMBER_NOT_FOUND);
  if (member.userId === by.userId) throw new DomainError("CONFLICT", RESET_OWN_PASSWORD);
  const elsewhere = await db.membership.count({ where: { userId: member.userId, NOT: { orgId: by.orgId } } });
  if (elsewhere > 0) throw new DomainError("CONFLICT", RESET_OTHER_ORGS);
  const token = randomBytes(32).toString("base64url");
  const reset = { id: newId("pwr"), expiresAt: new Date(now.getTime() + RESET_TTL_MS) };
  await db.$transaction(async (tx) => {
    await tx.passwordReset.deleteMany({ where: { userId: member.userId, usedAt: null } });
    await tx.passwordReset.create({
      data: {
        id: reset.id,
        orgId: by.orgId,
        userId: member.userId,
        tokenHash: hashResetToken(token),
        createdById: by.userId,
        createdAt: now,
        expiresAt: reset.expiresAt,
      },
    });
    await recordMemberAudit(tx, by, {
      action: "member.password_reset_issued",
      target: { type: "member", id: member.id },
      at: now,
      data: { email: member.user.email, expiresAt: reset.expiresAt.toISOString() },
    });
  });
  return { email: member.user.email, token, expiresAt: reset.expiresAt.toISOString() };
}

async function findUsableReset(db: Db, token: string, now: Date) {
  const reset = await db.passwordReset.findUnique({ where: { tokenHash: hashResetToken(token) }, include: { user: true, org: true } });
  if (!reset || reset.usedAt || reset.expiresAt <= now) return null;
  return reset;
}

/** For the link's page: whose password it resets, or null when it no longer works. */
export async function loadPasswordReset(db: Db, token: string, now = new Date()) {
  const reset = await findUsableReset(db, token, now);
  if (!reset) return null;
  return { email: reset.user.email, orgName: reset.org.name, needsSecondFactor: await memberHasSecondFactor(db, reset.userId) };
}

// A wrong link counts against the address in its own namespace (not the sign-in counters, so a burst of dead
// links cannot lock an office out of signing in); the token itself is 256 random bits, so this bounds the
// hashing and password-estimate work a client can cause rather than any guessing.
function resetSubjects(ip: string | null | undefined): ThrottleSubjects {
  return { account: `reset-ip:${ip ?? "unknown"}`, ip: null };
}

/** Refuses (RATE_LIMITED) when this address has tried too many dead reset links lately. */
export async function assertResetNotThrottled(db: Db, ip: string | null | undefined, now = new Date()) {
  await assertNotThrottled(db, resetSubjects(ip), now);
}

type Meta = Pick<RequestMeta, "ip" | "userAgent">;

/**
 * Sets the member's new password from a reset link: the link is used up, and every session of the member ends,
 * in one transaction. Throttled per address; audited in the link's organization.
 */
export async function completePasswordReset(db: Db, input: ResetPasswordInput, meta: Meta, now = new Date()) {
  const subjects = resetSubjects(meta.ip);
  return withVerificationSlot(subjects, async () => {
    await assertNotThrottled(db, subjects, now);
    const reset = await findUsableReset(db, input.token, now);
    if (!reset) {
      await recordLoginFailure(db, subjects, now);
      throw new DomainError("VALIDATION", RESET_INVALID);
    }
    const actor = { type: "user" as const, id: reset.userId, label: reset.user.email };
    // SECOND-FACTOR HOOK (issue 14): a member with a second factor proves it here too, so a leaked link alone
    // cannot take the account. Wired through lib/auth/step-up.ts once the two-factor branch lands.
    if (await memberHasSecondFactor(db, reset.userId)) {
      const ok = input.code ? await verifySecondFactorProof(db, reset.userId, input.code, meta) : false;
      if (!ok) {
        await recordAudit(db, {
          orgId: reset.orgId,
          actor,
          action: "user.password_reset_failed",
          outcome: "failed",
          ip: meta.ip,
          userAgent: meta.userAgent,
        });
        throw new DomainError("VALIDATION", "Enter a valid code from your authenticator app", {
          code: "Enter a valid code from your authenticator app",
        });
      }
    }
    assertStrongPassword(input.password, [reset.user.email], "password");
    const passwordHash = await hashPassword(input.password);
    return db.$transaction(async (tx) => {
      // Single use even when two requests race: only the one that marks it used goes on.
      const { count } = await tx.passwordReset.updateMany({ where: { id: reset.id, usedAt: null }, data: { usedAt: now } });
      if (count === 0) throw new DomainError("VALIDATION", RESET_INVALID);
      await tx.user.update({ where: { id: reset.userId }, data: { passwordHash } });
      const ended = await tx.session.deleteMany({ where: { userId: reset.userId } });
      await tx.loginThrottle.deleteMany({ where: { subject: `email:${reset.user.email}` } });
      await recordAudit(tx, {
        orgId: reset.orgId,
        actor,
        action: "user.password_reset",
        target: { type: "user", id: reset.userId },
        ip: meta.ip,
        userAgent: meta.userAgent,
        data: { sessionsEnded: ended.count },
      });
      return { email: reset.user.email, sessionsEnded: ended.count };
    });
  });
}
