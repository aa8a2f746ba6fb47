import { z } from "zod";
import type { Prisma } from "../db/client";
import { newId } from "../ids";
import type { EmailConfig } from "./config";
import { emailText, type KeyForEmail } from "./messages";

type Tx = Prisma.TransactionClient;

// Who gets an alert email. A key's expiry warnings go to the member who created it and to its owner when the owner
// field is an email address (a member's or not: the owner is whom the key serves). Leak reports and canaries go to
// the organization's admins and team leads (the roles that can revoke). Members who turned alert emails off get
// none. leak.revoked sends no email of its own: it is always written with a leak.reported, whose email says what
// was done.
const KEY_EMAILS = new Set(["key.expiring", "key.expired"]);
const TEAM_EMAILS = new Set(["leak.reported", "honeytoken.triggered"]);
export const EMAIL_EVENT_TYPES = [...KEY_EMAILS, ...TEAM_EMAILS];

const isEmail = (value: string) => z.email().safeParse(value).success;

interface Recipient {
  address: string;
  userId: string | null;
}

async function keyRecipients(tx: Tx, orgId: string, key: { createdById: string | null; owner: string | null }): Promise<Recipient[]> {
  const out: Recipient[] = [];
  if (key.createdById) {
    const member = await tx.membership.findFirst({
      where: { orgId, userId: key.createdById },
      select: { user: { select: { id: true, email: true, emailAlerts: true } } },
    });
    if (member?.user.emailAlerts) out.push({ address: member.user.email, userId: member.user.id });
  }
  const owner = key.owner?.trim();
  if (owner && isEmail(owner)) {
    // A member named as owner is that member, with their choice about alert emails.
    const member = await tx.membership.findFirst({
      where: { orgId, user: { email: owner.toLowerCase() } },
      select: { user: { select: { id: true, email: true, emailAlerts: true } } },
    });
    if (!member) out.push({ address: owner, userId: null });
    else if (member.user.emailAlerts) out.push({ address: member.user.email, userId: member.user.id });
  }
  return out;
}

async function teamRecipients(tx: Tx, orgId: string): Promise<Recipient[]> {
  const members = await tx.membership.findMany({
    where: { orgId, role: { in: ["admin", "lead"] }, user: { emailAlerts: true } },
    select: { user: { select: { id: true, email: true } } },
  });
  return members.map((m) => ({ address: m.user.email, userId: m.user.id }));
}

function keyIdOf(payload: Record<string, unknown>): string | null {
  const key = payload.key as { id?: unknown } | undefined;
  const id = key?.id ?? payload.keyId;
  return typeof id === "string" ? id : null;
}

/** The EmailDelivery rows for one event (none when it sends no email), written in the fan-out's transaction. */
export async function emailsForEvent(
  tx: Tx,
  config: EmailConfig,
  event: { id: string; orgId: string; type: string; payload: Record<string, unknown> },
  now: Date,
): Promise<Prisma.EmailDeliveryCreateManyInput[]> {
  if (!KEY_EMAILS.has(event.type) && !TEAM_EMAILS.has(event.type)) return [];
  const keyId = keyIdOf(event.payload);
  const key = keyId
    ? await tx.apiKey.findFirst({
        where: { id: keyId, orgId: event.orgId },
        select: { id: true, name: true, displayPrefix: true, environment: true, expiresAt: true, owner: true, createdById: true },
      })
    : null;
  const forEmail: KeyForEmail | null = key;
  const text = emailText(event.type, event.payload, forEmail, config.publicUrl);
  if (!text) return [];
  const recipients = KEY_EMAILS.has(event.type)
    ? key
      ? await keyRecipients(tx, event.orgId, key)
      : []
    : await teamRecipients(tx, event.orgId);
  const seen = new Set<string>();
  const rows: Prisma.EmailDeliveryCreateManyInput[] = [];
  for (const r of recipients) {
    const address = r.address.toLowerCase();
    if (seen.has(address)) continue;
    seen.add(address);
    rows.push({
      id: newId("eml"),
      orgId: event.orgId,
      eventId: event.id,
      eventType: event.type,
      toAddress: address,
      userId: r.userId,
      subject: text.subject,
      body: text.body,
      nextAttemptAt: now,
      createdAt: now,
    });
  }
  return rows;
}
