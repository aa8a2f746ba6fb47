import { recordAudit } from "../audit";
import { ActionError } from "../actions/errors";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";
import { verifyPassword } from "./password";
import { createSession } from "./sessions";
import { checkPasswordThrottled } from "./throttle";

export const WRONG_CREDENTIALS = "Email or password is incorrect";

/**
 * Signs in; every failure gives one message, and costs a password hash whether or not the email exists —
 * except when the account or address is throttled, which is refused before any hashing.
 * Each sign-in creates a new session token (the session id rotates).
 */
export async function signIn(db: Db, email: string, password: string, meta: Pick<RequestMeta, "ip" | "userAgent">) {
  const user = await db.user.findUnique({ where: { email }, include: { memberships: { orderBy: { createdAt: "asc" } } } });
  const ok = await checkPasswordThrottled(db, email, user?.passwordHash, password, meta.ip, verifyPassword);
  if (!user || !ok) throw new ActionError("UNAUTHENTICATED", WRONG_CREDENTIALS);
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
