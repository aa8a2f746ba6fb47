import "server-only";
import type { KeyActor } from "../../api-keys/actor";
import type { ActionContext } from "../safe-action";

/** The signed-in member acting on keys, as the key services and the audit log see them. */
export function keyActorOf(ctx: ActionContext): KeyActor {
  return { orgId: ctx.org.id, actor: { type: "user", id: ctx.user.id, label: ctx.user.email }, meta: ctx.meta };
}
