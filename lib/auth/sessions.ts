import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db/client";
import { newId } from "../ids";

export const SESSION_COOKIE = "kw_session";
export const SESSION_ABSOLUTE_MS = 7 * 24 * 60 * 60 * 1000;
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
const TOUCH_EVERY_MS = 60 * 1000;

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface SessionMeta {
  ip?: string | null;
  userAgent?: string | null;
}

/** A fresh random token each sign-in (the session id rotates); only its SHA-256 is stored. */
export async function createSession(db: Db, userId: string, activeOrgId: string | null, meta: SessionMeta, now = new Date()) {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await db.session.create({
    data: {
      id: newId("ses"),
      tokenHash: hashSessionToken(token),
      userId,
      activeOrgId,
      createdAt: now,
      lastSeenAt: now,
      // Signing in is itself a proof of identity for the step-up window.
      reauthenticatedAt: now,
      expiresAt,
      ip: meta.ip?.slice(0, 64) ?? null,
      userAgent: meta.userAgent?.slice(0, 256) ?? null,
    },
  });
  return { token, expiresAt };
}

export async function findSession(db: Db, token: string | undefined, now = new Date()) {
  if (!token || token.length > 128) return null;
  const session = await db.session.findUnique({ where: { tokenHash: hashSessionToken(token) }, include: { user: true } });
  if (!session) return null;
  const idleSince = now.getTime() - session.lastSeenAt.getTime();
  if (session.expiresAt <= now || idleSince > SESSION_IDLE_MS) {
    await db.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (idleSince > TOUCH_EVERY_MS) {
    await db.session.updateMany({ where: { id: session.id }, data: { lastSeenAt: now } });
  }
  return session;
}

export async function deleteSession(db: Db, token: string | undefined) {
  if (!token) return;
  await db.session.deleteMany({ where: { tokenHash: hashSessionToken(token) } });
}

/** Ends a user's sessions in one organization, or all of them when they belong to no organization any more. */
export async function endSessionsForOrg(db: Pick<Db, "session" | "membership">, userId: string, orgId: string) {
  const remaining = await db.membership.count({ where: { userId } });
  const where = remaining === 0 ? { userId } : { userId, OR: [{ activeOrgId: orgId }, { activeOrgId: null }] };
  return (await db.session.deleteMany({ where })).count;
}

export async function setActiveOrg(db: Db, sessionId: string, orgId: string) {
  await db.session.update({ where: { id: sessionId }, data: { activeOrgId: orgId } });
}
