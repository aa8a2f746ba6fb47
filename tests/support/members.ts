import type { Role } from "@/lib/auth/permissions";
import { createSession } from "@/lib/auth/sessions";
import type { Db } from "@/lib/db/client";
import { newId } from "@/lib/ids";
import type { MemberActor } from "@/lib/members/actor";
import { testMeta } from "./db";

/** A user who is a member of `orgId` with `role`, signed in (a real session token) with that org active. */
export async function addMember(db: Db, orgId: string, role: Role, { passwordHash = "unused" } = {}) {
  const userId = newId("usr");
  const email = `${role}-${userId.slice(-8).toLowerCase()}@example.com`;
  await db.user.create({ data: { id: userId, email, passwordHash } });
  const memberId = newId("mem");
  await db.membership.create({ data: { id: memberId, orgId, userId, role } });
  const { token } = await createSession(db, userId, orgId, testMeta);
  const actor: MemberActor = { orgId, userId, email, meta: testMeta };
  return { userId, email, memberId, token, actor };
}

/** The existing admin created by createOrg, as a member actor. */
export function adminActor(org: { orgId: string; userId: string; email: string }): MemberActor {
  return { orgId: org.orgId, userId: org.userId, email: org.email, meta: testMeta };
}
