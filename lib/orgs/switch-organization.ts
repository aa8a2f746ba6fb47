import { DomainError } from "../errors";
import { setActiveOrg } from "../auth/sessions";
import type { Db } from "../db/client";
import { orgReachable, SSO_GATE_SELECT } from "../sso/reach";

export const ORG_NOT_FOUND = "Organization not found";

/** Makes `orgId` the session's active organization — only one the user is a member of. */
export async function switchOrganization(db: Db, session: { sessionId: string; userId: string }, orgId: string) {
  const member = await db.membership.findUnique({
    where: { orgId_userId: { orgId, userId: session.userId } },
    select: { id: true, org: { select: { ssoConfig: { select: SSO_GATE_SELECT } } } },
  });
  // An organization the session cannot reach (SSO, lib/sso/reach.ts) is answered like one the user is not in.
  const row = await db.session.findUnique({ where: { id: session.sessionId }, select: { ssoOrgId: true } });
  if (!member || !row || !orgReachable({ userId: session.userId, ssoOrgId: row.ssoOrgId }, orgId, member.org.ssoConfig))
    throw new DomainError("NOT_FOUND", ORG_NOT_FOUND);
  await setActiveOrg(db, session.sessionId, orgId);
  return { orgId };
}
