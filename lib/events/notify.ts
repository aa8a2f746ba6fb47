import type { Prisma } from "../db/client";

type Tx = Prisma.TransactionClient;

// Who hears of an event in the console (the bell). Kept small on purpose: alerts that need someone to act go to
// the organization's admins and team leads (the roles that can revoke); a key's own lifecycle warnings go to the
// member who created it. Everything else is for webhooks and the audit log.
export const TEAM_ALERTS = new Set([
  "leak.reported",
  "leak.revoked",
  "honeytoken.triggered",
  "webhook.disabled",
  "key.denial_burst",
  "key.used_after_revoke",
]);
export const CREATOR_ALERTS = new Set(["key.expiring", "key.expired", "key.new_address"]);

function keyIdOf(payload: Record<string, unknown>): string | null {
  const key = payload.key as { id?: unknown } | undefined;
  const id = key?.id ?? payload.keyId;
  return typeof id === "string" ? id : null;
}

/** The user ids (members of the event's organization) to notify of one event. */
export async function notificationRecipients(tx: Tx, event: { orgId: string; type: string; payload: Record<string, unknown> }) {
  if (TEAM_ALERTS.has(event.type)) {
    const members = await tx.membership.findMany({
      where: { orgId: event.orgId, role: { in: ["admin", "lead"] } },
      select: { userId: true },
    });
    return members.map((m) => m.userId);
  }
  if (CREATOR_ALERTS.has(event.type)) {
    const keyId = keyIdOf(event.payload);
    if (!keyId) return [];
    const key = await tx.apiKey.findFirst({ where: { id: keyId, orgId: event.orgId }, select: { createdById: true } });
    if (!key?.createdById) return [];
    const member = await tx.membership.findFirst({ where: { orgId: event.orgId, userId: key.createdById }, select: { userId: true } });
    return member ? [member.userId] : [];
  }
  return [];
}
