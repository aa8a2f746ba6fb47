import type { RequestMeta } from "../http/request-meta";

/** A signed-in member acting on their active organization. */
export interface MemberActor {
  orgId: string;
  userId: string;
  email: string;
  meta: Pick<RequestMeta, "ip" | "userAgent">;
}

export function auditActor(by: MemberActor) {
  return { type: "user" as const, id: by.userId, label: by.email };
}

export function memberActorOf(ctx: { org: { id: string }; user: { id: string; email: string }; meta: MemberActor["meta"] }): MemberActor {
  return { orgId: ctx.org.id, userId: ctx.user.id, email: ctx.user.email, meta: ctx.meta };
}
