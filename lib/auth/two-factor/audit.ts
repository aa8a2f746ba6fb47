import { recordAudit, type AuditOutcome } from "../../audit";
import { recordRefusal } from "../../audit-refusals";
import type { Db } from "../../db/client";
import type { RequestMeta } from "../../http/request-meta";

export type Meta = Pick<RequestMeta, "ip" | "userAgent">;
export interface FactorUser {
  id: string;
  email: string;
}

/**
 * A second-factor event in the audit log of every organization the member belongs to (a member's factors are
 * theirs, not one organization's). Failures go through the refusal collapser, so guessing cannot flood the log.
 */
export async function auditFactorEvent(
  db: Pick<Db, "auditEvent" | "membership">,
  user: FactorUser,
  action: string,
  meta: Meta,
  data: Record<string, unknown> = {},
  outcome: AuditOutcome = "success",
) {
  const memberships = await db.membership.findMany({ where: { userId: user.id }, select: { orgId: true } });
  const actor = { type: "user" as const, id: user.id, label: user.email };
  for (const { orgId } of memberships) {
    const event = { orgId, actor, action, outcome, target: { type: "user", id: user.id }, ip: meta.ip, userAgent: meta.userAgent, data };
    if (outcome === "success") await recordAudit(db, event);
    else await recordRefusal(db, event);
  }
}
