import type { Db } from "../db/client";
import { isRole, type Role } from "./permissions";
import { findSession } from "./sessions";
import { orgReachable, SSO_GATE_SELECT } from "../sso/reach";
import { userHasSecondFactor } from "./two-factor/status";

export interface OrgMembership {
  orgId: string;
  name: string;
  role: Role;
}

export interface SessionContext {
  sessionId: string;
  /** The session's last proof of identity (sign-in or step-up), for the actions that need a fresh one. */
  reauthenticatedAt: Date | null;
  user: { id: string; email: string; name: string };
  org: { id: string; name: string; slug: string; keyPrefix: string };
  role: Role;
  /** Every organization the user belongs to, for the switcher. */
  memberships: OrgMembership[];
  /** The active organization requires a second factor and the member has none: only enrolment is allowed. */
  secondFactorRequired: boolean;
}

/**
 * The session's user and active organization, read fresh from the database: a changed role or a removed
 * membership takes effect on the very next request. Framework-free so tests drive it with real tokens.
 */
export async function loadSessionContext(db: Db, token: string | undefined, now = new Date()): Promise<SessionContext | null> {
  const session = await findSession(db, token, now);
  if (!session) return null;
  const rows = await db.membership.findMany({
    where: { userId: session.userId },
    include: { org: { include: { ssoConfig: { select: SSO_GATE_SELECT } } } },
    orderBy: { createdAt: "asc" },
  });
  const valid = rows.filter((m) => isRole(m.role) && orgReachable(session, m.orgId, m.org.ssoConfig));
  const membership = valid.find((m) => m.orgId === session.activeOrgId) ?? valid[0];
  if (!membership) return null;
  const { org } = membership;
  const secondFactorRequired = org.requireTwoFactor && !(await userHasSecondFactor(db, session.userId));
  return {
    sessionId: session.id,
    reauthenticatedAt: session.reauthenticatedAt,
    user: { id: session.user.id, email: session.user.email, name: session.user.name },
    org: { id: org.id, name: org.name, slug: org.slug, keyPrefix: org.keyPrefix },
    role: membership.role as Role,
    memberships: valid.map((m) => ({ orgId: m.orgId, name: m.org.name, role: m.role as Role })),
    secondFactorRequired,
  };
}
