import { createHash, randomBytes } from "node:crypto";
import { createPendingSignIn } from "../auth/two-factor/pending-sign-in";
import { userHasSecondFactor } from "../auth/two-factor/status";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { hashPassword, verifyPassword } from "../auth/password";
import { assertStrongPassword } from "../auth/password-strength";
import type { Role } from "../auth/permissions";
import { createSession } from "../auth/sessions";
import { checkPasswordThrottled } from "../auth/throttle";
import { WRONG_CREDENTIALS } from "../auth/login";
import type { Db } from "../db/client";
import { memberEventActor } from "../events/payloads";
import { recordEvent } from "../events/record";
import type { RequestMeta } from "../http/request-meta";
import { newId } from "../ids";
import { newPasswordSchema } from "../validations/auth";
import { recordMemberAudit, type MemberActor } from "./actor";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const INVITE_INVALID = "This invite link is invalid, has expired or was already used";
export const INVITE_NOT_FOUND = "Invite not found";
export const ALREADY_MEMBER = "Already a member of this organization";

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * A single-use invite link token for `email` with `role`. Only its SHA-256 is stored: the token is returned
 * once, for the admin to pass on. A newer invite for the same address replaces an unused older one.
 */
export async function createInvite(db: Db, by: MemberActor, input: { email: string; role: Role }, now = new Date()) {
  const existing = await db.membership.findFirst({ where: { orgId: by.orgId, user: { email: input.email } }, select: { id: true } });
  if (existing) throw new DomainError("CONFLICT", ALREADY_MEMBER, { email: ALREADY_MEMBER });
  const token = randomBytes(32).toString("base64url");
  const invite = { id: newId("inv"), expiresAt: new Date(now.getTime() + INVITE_TTL_MS) };
  await db.$transaction(async (tx) => {
    await tx.invite.deleteMany({ where: { orgId: by.orgId, email: input.email, acceptedAt: null } });
    await tx.invite.create({
      data: {
        id: invite.id,
        orgId: by.orgId,
        email: input.email,
        role: input.role,
        tokenHash: hashInviteToken(token),
        createdById: by.userId,
        createdAt: now,
        expiresAt: invite.expiresAt,
      },
    });
    await recordMemberAudit(tx, by, {
      action: "member.invited",
      target: { type: "invite", id: invite.id },
      at: now,
      data: { email: input.email, role: input.role, expiresAt: invite.expiresAt.toISOString() },
    });
    // The invite link's token is the secret here: the event names the invite, never its link.
    await recordEvent(tx, {
      orgId: by.orgId,
      type: "member.invited",
      payload: {
        invite: { id: invite.id, email: input.email, role: input.role, expiresAt: invite.expiresAt.toISOString() },
        actor: memberEventActor(by),
      },
      at: now,
    });
  });
  return { inviteId: invite.id, email: input.email, role: input.role, token, expiresAt: invite.expiresAt };
}

export async function listPendingInvites(db: Db, orgId: string, now = new Date()) {
  return db.invite.findMany({
    where: { orgId, acceptedAt: null, expiresAt: { gt: now } },
    select: { id: true, email: true, role: true, createdAt: true, expiresAt: true },
    orderBy: { createdAt: "desc" },
  });
}

export async function revokeInvite(db: Db, by: MemberActor, inviteId: string) {
  const invite = await db.invite.findFirst({
    where: { id: inviteId, orgId: by.orgId, acceptedAt: null },
    select: { id: true, email: true },
  });
  if (!invite) throw new DomainError("NOT_FOUND", INVITE_NOT_FOUND);
  await db.$transaction(async (tx) => {
    await tx.invite.deleteMany({ where: { id: invite.id, orgId: by.orgId } });
    await recordMemberAudit(tx, by, {
      action: "member.invite_revoked",
      target: { type: "invite", id: invite.id },
      data: { email: invite.email },
    });
  });
  return { inviteId };
}

/** What the invite page shows: the organization, the address and whether that address has an account. */
export async function findUsableInvite(db: Db, token: string, now = new Date()) {
  const invite = await db.invite.findUnique({ where: { tokenHash: hashInviteToken(token) }, include: { org: { select: { name: true } } } });
  if (!invite || invite.acceptedAt || invite.expiresAt <= now) return null;
  const user = await db.user.findUnique({ where: { email: invite.email }, select: { id: true } });
  return {
    id: invite.id,
    orgId: invite.orgId,
    orgName: invite.org.name,
    email: invite.email,
    role: invite.role as Role,
    hasAccount: !!user,
  };
}

/**
 * Accepts an invite: a new address sets its password, an existing account proves it with its password
 * (throttled like sign-in). The invite is spent in the same transaction that adds the membership, and the
 * result is a fresh session in the invited organization.
 */
export async function acceptInvite(db: Db, token: string, password: string, meta: Pick<RequestMeta, "ip" | "userAgent">, now = new Date()) {
  const invite = await findUsableInvite(db, token, now);
  if (!invite) throw new DomainError("NOT_FOUND", INVITE_INVALID);
  const existing = await db.user.findUnique({ where: { email: invite.email } });
  let passwordHash: string | null = null;
  if (existing) {
    const ok = await checkPasswordThrottled(db, invite.email, existing.passwordHash, password, meta.ip, verifyPassword, now);
    if (!ok) throw new DomainError("UNAUTHENTICATED", WRONG_CREDENTIALS, { password: WRONG_CREDENTIALS });
  } else {
    const parsed = newPasswordSchema.safeParse(password);
    if (!parsed.success) throw new DomainError("VALIDATION", parsed.error.issues[0].message, { password: parsed.error.issues[0].message });
    assertStrongPassword(password, [invite.email]);
    passwordHash = await hashPassword(password);
  }
  const userId = existing?.id ?? newId("usr");
  try {
    await db.$transaction(async (tx) => {
      const spent = await tx.invite.updateMany({
        where: { id: invite.id, acceptedAt: null, expiresAt: { gt: now } },
        data: { acceptedAt: now },
      });
      if (spent.count !== 1) throw new DomainError("NOT_FOUND", INVITE_INVALID);
      if (!existing) await tx.user.create({ data: { id: userId, email: invite.email, passwordHash: passwordHash! } });
      const member = await tx.membership.findUnique({ where: { orgId_userId: { orgId: invite.orgId, userId } } });
      if (!member)
        await tx.membership.create({ data: { id: newId("mem"), orgId: invite.orgId, userId, role: invite.role, createdAt: now } });
      await recordAudit(tx, {
        orgId: invite.orgId,
        actor: { type: "user", id: userId, label: invite.email },
        action: "member.joined",
        target: { type: "user", id: userId },
        ip: meta.ip,
        userAgent: meta.userAgent,
        at: now,
        data: { inviteId: invite.id, role: member?.role ?? invite.role, newAccount: !existing },
      });
      await recordEvent(tx, {
        orgId: invite.orgId,
        type: "member.joined",
        payload: { member: { userId, email: invite.email, role: member?.role ?? invite.role }, via: "invite", inviteId: invite.id },
        at: now,
      });
    });
  } catch (error) {
    // Two first-time acceptances racing for the same address: the loser's user row clashes.
    if ((error as { code?: string }).code === "P2002") throw new DomainError("NOT_FOUND", INVITE_INVALID);
    throw error;
  }
  // An existing account with a second factor proves it next, as at sign-in: no session from the password alone.
  if (existing && (await userHasSecondFactor(db, userId))) {
    const pending = await createPendingSignIn(db, userId, now);
    return {
      secondFactor: true as const,
      pendingToken: pending.token,
      expiresAt: pending.expiresAt,
      token: undefined,
      userId,
      orgId: invite.orgId,
    };
  }
  const session = await createSession(db, userId, invite.orgId, meta, now);
  return { secondFactor: false as const, ...session, userId, orgId: invite.orgId };
}
