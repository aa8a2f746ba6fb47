import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import { describeDevice } from "./device";
import { SESSION_IDLE_MS } from "./sessions";

export const SESSION_NOT_FOUND = "That session has already ended";

export interface ActiveSession {
  id: string;
  device: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** The member's sessions that still work (not expired, not idle too long), the current one first, then by last use. */
export async function listActiveSessions(db: Db, userId: string, currentSessionId: string, now = new Date()): Promise<ActiveSession[]> {
  const rows = await db.session.findMany({
    where: { userId, expiresAt: { gt: now }, lastSeenAt: { gt: new Date(now.getTime() - SESSION_IDLE_MS) } },
    orderBy: { lastSeenAt: "desc" },
  });
  return rows
    .map((s) => ({
      id: s.id,
      device: describeDevice(s.userAgent),
      userAgent: s.userAgent,
      ip: s.ip,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      current: s.id === currentSessionId,
    }))
    .sort((a, b) => Number(b.current) - Number(a.current));
}

type Who = { userId: string; email: string; sessionId: string };
type Meta = Pick<RequestMeta, "ip" | "userAgent">;

async function auditEnded(db: Db, who: Who, meta: Meta, data: Record<string, unknown>) {
  const memberships = await db.membership.findMany({ where: { userId: who.userId }, select: { orgId: true } });
  for (const { orgId } of memberships) {
    await recordAudit(db, {
      orgId,
      actor: { type: "user", id: who.userId, label: who.email },
      action: "user.sessions_ended",
      target: { type: "user", id: who.userId },
      ip: meta.ip,
      userAgent: meta.userAgent,
      data,
    });
  }
}

/** Signs out one of the member's other sessions; it ends on its next request. Another user's session id is not found. */
export async function endOwnSession(db: Db, who: Who, sessionId: string, meta: Meta) {
  if (sessionId === who.sessionId) {
    throw new DomainError("VALIDATION", "This is the session you are using: sign out with the Sign out button instead");
  }
  const { count } = await db.session.deleteMany({ where: { id: sessionId, userId: who.userId } });
  if (count === 0) throw new DomainError("NOT_FOUND", SESSION_NOT_FOUND);
  await auditEnded(db, who, meta, { ended: 1 });
  return { ended: count };
}

/** "Sign out everywhere else": every session of the member but this one. */
export async function endOtherSessions(db: Db, who: Who, meta: Meta) {
  const { count } = await db.session.deleteMany({ where: { userId: who.userId, NOT: { id: who.sessionId } } });
  if (count > 0) await auditEnded(db, who, meta, { ended: count, everywhereElse: true });
  return { ended: count };
}
