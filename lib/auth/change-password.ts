import { recordAudit } from "../audit";
import { recordRefusal } from "../audit-refusals";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import type { ChangePasswordInput } from "../validations/auth";
import { hashPassword, verifyPassword } from "./password";
import { assertStrongPassword } from "./password-strength";
import { checkPasswordThrottled } from "./throttle";

export const WRONG_CURRENT_PASSWORD = "That is not your current password";

/**
 * A member changes their own password. The current one is checked like a sign-in (throttled, so a borrowed
 * session cannot be used to guess it), the new one like any new password; then every other session of the
 * user ends, in the same transaction as the change. Returns how many other sessions were signed out.
 */
export async function changePassword(
  db: Db,
  who: { userId: string; sessionId: string },
  input: ChangePasswordInput,
  meta: Pick<RequestMeta, "ip" | "userAgent">,
): Promise<{ otherSessionsEnded: number }> {
  const user = await db.user.findUnique({ where: { id: who.userId }, include: { memberships: { select: { orgId: true } } } });
  if (!user) throw new DomainError("UNAUTHENTICATED", "Your session has ended. Sign in again.");
  const actor = { type: "user" as const, id: user.id, label: user.email };
  const orgIds = user.memberships.map((m) => m.orgId);
  const ok = await checkPasswordThrottled(db, user.email, user.passwordHash, input.currentPassword, meta.ip, verifyPassword);
  if (!ok) {
    for (const orgId of orgIds) {
      await recordRefusal(db, {
        orgId,
        actor,
        action: "user.password_change_failed",
        outcome: "failed",
        ip: meta.ip,
        userAgent: meta.userAgent,
      });
    }
    throw new DomainError("VALIDATION", WRONG_CURRENT_PASSWORD, { currentPassword: WRONG_CURRENT_PASSWORD });
  }
  if (input.newPassword === input.currentPassword) {
    throw new DomainError("VALIDATION", "Choose a new password", { newPassword: "Choose a password different from the current one" });
  }
  assertStrongPassword(input.newPassword, [user.email], "newPassword");
  const passwordHash = await hashPassword(input.newPassword);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const ended = await tx.session.deleteMany({ where: { userId: user.id, NOT: { id: who.sessionId } } });
    // The current password was just proven: it counts as a step-up for this session.
    await tx.session.updateMany({ where: { id: who.sessionId }, data: { reauthenticatedAt: new Date() } });
    for (const orgId of orgIds) {
      await recordAudit(tx, {
        orgId,
        actor,
        action: "user.password_changed",
        target: { type: "user", id: user.id },
        ip: meta.ip,
        userAgent: meta.userAgent,
        data: { otherSessionsEnded: ended.count },
      });
    }
    return { otherSessionsEnded: ended.count };
  });
}
