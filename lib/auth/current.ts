import "server-only";
import { cookies, headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { db } from "../db";
import { requestMetaFrom } from "../http/request-meta";
import { isInstalled } from "../setup/bootstrap";
import { can, isRole, type Permission, type Role } from "./permissions";
import { SESSION_COOKIE, findSession } from "./sessions";

export interface SessionContext {
  sessionId: string;
  user: { id: string; email: string; name: string };
  org: { id: string; name: string; slug: string; keyPrefix: string };
  role: Role;
}

/** The signed-in user and their active organization, once per request; null when signed out. */
export const getSessionContext = cache(async (): Promise<SessionContext | null> => {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const session = await findSession(db, token);
  if (!session) return null;
  const memberships = await db.membership.findMany({
    where: { userId: session.userId },
    include: { org: true },
    orderBy: { createdAt: "asc" },
  });
  const membership = memberships.find((m) => m.orgId === session.activeOrgId) ?? memberships[0];
  if (!membership || !isRole(membership.role)) return null;
  const { org } = membership;
  return {
    sessionId: session.id,
    user: { id: session.user.id, email: session.user.email, name: session.user.name },
    org: { id: org.id, name: org.name, slug: org.slug, keyPrefix: org.keyPrefix },
    role: membership.role,
  };
});

/** For pages: leads to /setup before first run, to /login when signed out, and 403 without the permission. */
export async function requirePageContext(permission?: Permission): Promise<SessionContext> {
  if (!(await isInstalled(db))) redirect("/setup");
  const ctx = await getSessionContext();
  if (!ctx) redirect("/login");
  if (permission && !can(ctx.role, permission)) forbidden();
  return ctx;
}

export async function currentRequestMeta() {
  return requestMetaFrom(await headers());
}
