import { DomainError } from "../errors";
import type { Role } from "../auth/permissions";
import { endSessionsForOrg } from "../auth/sessions";
import type { Db } from "../db/client";
import { memberEventActor } from "../events/payloads";
import { recordEvent } from "../events/record";
import { recordMemberAudit, type MemberActor } from "./actor";
import { lockOrg } from "./org-lock";

export const MEMBER_NOT_FOUND = "Member not found";
export const LAST_ADMIN = "An organization needs at least one admin: make someone else an admin first";

export async function listMembers(db: Db, orgId: string) {
  const rows = await db.membership.findMany({
    where: { orgId },
    include: { user: { select: { email: true, name: true } } },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((m) => ({ id: m.id, userId: m.userId, email: m.user.email, name: m.user.name, role: m.role, joinedAt: m.createdAt }));
}

async function loadMember(tx: Pick<Db, "membership">, orgId: string, memberId: string) {
  // Scoped by organization: another organization's member id is simply not found.
  const member = await tx.membership.findFirst({ where: { id: memberId, orgId }, include: { user: { select: { email: true } } } });
  if (!member) throw new DomainError("NOT_FOUND", MEMBER_NOT_FOUND);
  return member;
}

async function assertAnotherAdmin(tx: Pick<Db, "membership">, orgId: string, memberId: string) {
  const others = await tx.membership.count({ where: { orgId, role: "admin", NOT: { id: memberId } } });
  if (others === 0) throw new DomainError("CONFLICT", LAST_ADMIN);
}

export async function changeMemberRole(db: Db, by: MemberActor, memberId: string, role: Role) {
  return db.$transaction(async (tx) => {
    await lockOrg(tx, by.orgId);
    const member = await loadMember(tx, by.orgId, memberId);
    if (member.role === role) return { memberId, role };
    if (member.role === "admin") await assertAnotherAdmin(tx, by.orgId, member.id);
    await tx.membership.update({ where: { id: member.id }, data: { role } });
    await recordMemberAudit(tx, by, {
      action: "member.role_changed",
      target: { type: "user", id: member.userId },
      data: { email: member.user.email, before: { role: member.role }, after: { role } },
    });
    await recordEvent(tx, {
      orgId: by.orgId,
      type: "member.role_changed",
      payload: {
        member: { userId: member.userId, email: member.user.email, role },
        before: { role: member.role },
        actor: memberEventActor(by),
      },
    });
    return { memberId, role };
  });
}

/** Removes a member and ends their sessions in this organization at once. */
export async function removeMember(db: Db, by: MemberActor, memberId: string) {
  return db.$transaction(async (tx) => {
    await lockOrg(tx, by.orgId);
    const member = await loadMember(tx, by.orgId, memberId);
    if (member.role === "admin") await assertAnotherAdmin(tx, by.orgId, member.id);
    await tx.membership.delete({ where: { id: member.id } });
    const endedSessions = await endSessionsForOrg(tx, member.userId, by.orgId);
    await recordMemberAudit(tx, by, {
      action: "member.removed",
      target: { type: "user", id: member.userId },
      data: { email: member.user.email, role: member.role, endedSessions },
    });
    await recordEvent(tx, {
      orgId: by.orgId,
      type: "member.removed",
      payload: { member: { userId: member.userId, email: member.user.email, role: member.role }, actor: memberEventActor(by) },
    });
    return { memberId, endedSessions };
  });
}
