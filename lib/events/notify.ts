import type { Prisma } from "../db/client";
import { inIds } from "./raw";

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
 * The user ids (members of each event's organization) to notify of each event of a batch, by event id. At most two
 * statements for the whole batch, whatever its size (plain SQL: see ./raw.ts): the dispatcher fans out by the batch.
 */
export async function notificationRecipients(tx: Tx, postgres: boolean, events: readonly EventToNotify[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(events.map((e) => [e.id, []]));
  const team = events.filter((e) => TEAM_ALERTS.has(e.type));
  if (team.length > 0) {
    const members = await tx.$queryRaw<{ orgId: string; userId: string }[]>`SELECT "orgId", "userId" FROM "Membership"
      WHERE "orgId" ${inIds(postgres, [...new Set(team.map((e) => e.orgId))])} AND "role" IN ('admin', 'lead')`;
    const byOrg = new Map<string, string[]>();
    for (const m of members) byOrg.set(m.orgId, [...(byOrg.get(m.orgId) ?? []), m.userId]);
    for (const event of team) out.set(event.id, byOrg.get(event.orgId) ?? []);
  }
  const creator = events
    .filter((e) => CREATOR_ALERTS.has(e.type))
    .map((e) => ({ event: e, keyId: keyIdOf(e.payload) }))
    .filter((c): c is { event: EventToNotify; keyId: string } => c.keyId !== null);
  if (creator.length === 0) return out;
  // The key's creator, if still a member of the key's organization.
  const keys = await tx.$queryRaw<{ id: string; orgId: string; userId: string }[]>`SELECT k."id", k."orgId", m."userId"
    FROM "ApiKey" AS k JOIN "Membership" AS m ON m."orgId" = k."orgId" AND m."userId" = k."createdById"
    WHERE k."id" ${inIds(postgres, [...new Set(creator.map((c) => c.keyId))])}`;
  const keyById = new Map(keys.map((k) => [k.id, k]));
  for (const c of creator) {
    const key = keyById.get(c.keyId);
    // The key must belong to the event's organization.
    if (key && key.orgId === c.event.orgId) out.set(c.event.id, [key.userId]);
  }
  return out;
}
