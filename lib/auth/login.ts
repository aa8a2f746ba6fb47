import { recordAudit, type AuditActor } from "../audit";
import { recordRefusal } from "../audit-refusals";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import { verifyPassword } from "./password";
import { createSession, findSession } from "./sessions";
import { checkPasswordThrottled } from "./throttle";

export const WRONG_CREDENTIALS = "Email or password is incorrect";

type Meta = Pick<RequestMeta, "ip" | "userAgent">;
type KnownUser = { id: string; email: string; memberships: { orgId: string }[] } | null;

/**
 * A failed or throttled sign-in, in the audit log of every organization the account belongs to — or of every
 * organization when no account has that email (an install's organizations share one sign-in page). Collapsed
 * per minute, so a password spray cannot flood the log.
 */
async function auditSignInRefusal(db: Db, email: string, user: KnownUser, action: string, outcome: "failed" | "denied", meta: Meta) {
  const orgIds = user ? user.memberships.map((m) => m.orgId) : (await db.organization.findMany({ select: { id: true } })).map((o) => o.id);
  // A throttled attempt hashes nothing and costs nothing, so an address may make many, each with another made-up
  // email: for unknown accounts those are one actor ("unknown account", per address) and collapse per minute.
  const anonymous = outcome === "denied" ? "unknown account" : email;
  const actor: AuditActor = user ? { type: "user", id: user.id, label: user.email } : { type: "anonymous", label: anonymous };
  const data = user || outcome !== "denied" ? { email } : { address: meta.ip };
  for (const orgId of orgIds) {
    await recordRefusal(db, { orgId, actor, action, outcome, ip: meta.ip, userAgent: meta.userAgent, data });
  }
}

/**
 * Signs in; every failure gives one message, and costs a password hash whether or not the email exists —
 * except when the account or address is throttled, which is refused before any hashing.
 * Each sign-in creates a new session token (the session id rotates). `email` is already normalized by the schema.
 */
export async function signIn(db: Db, email: string, password: string, meta: Meta) {
  const user = await db.user.findUnique({ where: { email }, include: { memberships: { orderBy: { createdAt: "asc" } } } });
  let ok: boolean;
  try {
    ok = await checkPasswordThrottled(db, email, user?.passwordHash, password, meta.ip, verifyPassword);
  } catch (error) {
    if (error instanceof DomainError && error.code === "RATE_LIMITED") {
      await auditSignInRefusal(db, email, user, "user.sign_in_throttled", "denied", meta);
    }
    throw error;
  }
  if (!user || !ok) {
    await auditSignInRefusal(db, email, user, "user.sign_in_failed", "failed", meta);
    throw new DomainError("UNAUTHENTICATED", WRONG_CREDENTIALS);
  }
  const orgId = user.memberships[0]?.orgId ?? null;
  const session = await createSession(db, user.id, orgId, meta);
  for (const membership of user.memberships) {
    await recordAudit(db, {
      orgId: membership.orgId,
      actor: { type: "user", id: user.id, label: user.email },
      action: "user.signed_in",
      target: { type: "user", id: user.id },
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  }
  return { ...session, userId: user.id };
}

/** Records the sign-out of the session behind `token` in each of the user's organizations (before it is deleted). */
export async function recordSignOut(db: Db, token: string | undefined, meta: Meta) {
  const session = await findSession(db, token);
  if (!session) return;
  const memberships = await db.membership.findMany({ where: { userId: session.userId }, select: { orgId: true } });
  for (const { orgId } of memberships) {
    await recordAudit(db, {
      orgId,
      actor: { type: "user", id: session.userId, label: session.user.email },
      action: "user.signed_out",
      target: { type: "user", id: session.userId },
      ip: meta.ip,
      userAgent: meta.userAgent,
    });
  }
}
