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

interface EventToNotify {
  id: string;
  orgId: string;
  type: string;
  payload: Record<string, unknown>;
}

/**
 * The user ids (members of each event's organization) to notify of each event of a batch, by event id. A few
 * statements for the whole batch, whatever its size: the dispatcher fans out events by the batch.
 */
export async function notificationRecipients(tx: Tx, events: readonly EventToNotify[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(events.map((e) => [e.id, []]));
  const team = events.filter((e) => TEAM_ALERTS.has(e.type));
  if (team.length > 0) {
    const members = await tx.membership.findMany({
      where: { orgId: { in: [...new Set(team.map((e) => e.orgId))] }, role: { in: ["admin", "lead"] } },
      select: { orgId: true, userId: true },
    });
    for (const event of team)
      out.set(
        event.id,
        members.filter((m) => m.orgId === event.orgId).map((m) => m.userId),
      );
  }
  const creator = events
    .filter((e) => CREATOR_ALERTS.has(e.type))
    .map((e) => ({ event: e, keyId: keyIdOf(e.payload) }))
    .filter((c): c is { event: EventToNotify; keyId: string } => c.keyId !== null);
  if (creator.length === 0) return out;
  const keys = await tx.apiKey.findMany({
    where: { id: { in: [...new Set(creator.map((c) => c.keyId))] } },
    select: { id: true, orgId: true, createdById: true },
  });
  const keyById = new Map(keys.map((k) => [k.id, k]));
  // The key must belong to the event's organization, and its creator still be a member of it.
  const creatorOf = (c: (typeof creator)[number]) => {
    const key = keyById.get(c.keyId);
    return key && key.orgId === c.event.orgId ? key.createdById : null;
  };
  const userIds = [...new Set(creator.map(creatorOf).filter((id): id is string => !!id))];
  if (userIds.length === 0) return out;
  const members = await tx.membership.findMany({
    where: { orgId: { in: [...new Set(creator.map((c) => c.event.orgId))] }, userId: { in: userIds } },
    select: { orgId: true, userId: true },
  });
  const isMember = new Set(members.map((m) => `${m.orgId}\u0000${m.userId}`));
  for (const c of creator) {
    const userId = creatorOf(c);
    if (userId && isMember.has(`${c.event.orgId}\u0000${userId}`)) out.set(c.event.id, [userId]);
  }
  return out;
}
