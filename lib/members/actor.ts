import { recordAudit, type AuditInput } from "../audit";
import type { Db } from "../db/client";
import type { RequestMeta } from "../http/request-meta";

/** A signed-in member acting on their active organization. */
export interface MemberActor {
  orgId: string;
  userId: string;
  email: string;
  meta: Pick<RequestMeta, "ip" | "userAgent">;
}

/** An audit event of the member's organization, with the member as actor and their request's address. */
export function recordMemberAudit(
  db: Pick<Db, "auditEvent">,
  by: MemberActor,
  event: Omit<AuditInput, "orgId" | "actor" | "ip" | "userAgent">,
) {
  return recordAudit(db, {
    ...event,
    orgId: by.orgId,
    actor: { type: "user", id: by.userId, label: by.email },
    ip: by.meta.ip,
    userAgent: by.meta.userAgent,
  });
}

export function memberActorOf(ctx: { org: { id: string }; user: { id: string; email: string }; meta: MemberActor["meta"] }): MemberActor {
  return { orgId: ctx.org.id, userId: ctx.user.id, email: ctx.user.email, meta: ctx.meta };
}
