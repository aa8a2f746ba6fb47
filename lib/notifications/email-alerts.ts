import { recordAudit } from "../audit";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";

/** Whether the member gets alert emails (lib/email/fan-out.ts reads it). */
export async function emailAlertsOf(db: Db, userId: string): Promise<boolean> {
  const user = await db.user.findUnique({ where: { id: userId }, select: { emailAlerts: true } });
  return user?.emailAlerts ?? true;
}

/** Turns the member's alert emails on or off, audited in each of their organizations (they stop hearing of leaks). */
export async function setEmailAlerts(db: Db, who: { userId: string; email: string }, enabled: boolean, meta: RequestMeta) {
  await db.$transaction(async (tx) => {
    const before = await tx.user.findUniqueOrThrow({ where: { id: who.userId }, select: { emailAlerts: true } });
    if (before.emailAlerts === enabled) return;
    await tx.user.update({ where: { id: who.userId }, data: { emailAlerts: enabled } });
    const memberships = await tx.membership.findMany({ where: { userId: who.userId }, select: { orgId: true } });
    for (const { orgId } of memberships) {
      await recordAudit(tx, {
        orgId,
        actor: { type: "user", id: who.userId, label: who.email },
        action: "user.email_alerts_changed",
        target: { type: "user", id: who.userId },
        ip: meta.ip,
        userAgent: meta.userAgent,
        data: { before: { emailAlerts: before.emailAlerts }, after: { emailAlerts: enabled } },
      });
    }
  });
  return { enabled };
}
