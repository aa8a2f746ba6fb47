import { DomainError } from "../errors";
import { setActiveOrg } from "../auth/sessions";
import type { Db } from "../db/client";

export const ORG_NOT_FOUND = "Organization not found";

/** Makes `orgId` the session's active organization — only one the user is a member of. */
export async function switchOrganization(db: Db, session: { sessionId: string; userId: string }, orgId: string) {
  const member = await db.membership.findUnique({ where: { orgId_userId: { orgId, userId: session.userId } }, select: { id: true } });
  if (!member) throw new DomainError("NOT_FOUND", ORG_NOT_FOUND);
  await setActiveOrg(db, session.sessionId, orgId);
  return { orgId };
}
