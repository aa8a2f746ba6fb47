import type { AuditActor } from "../audit";
import type { RequestMeta } from "../http/request-meta";

/** Who is changing keys, in which organization: a signed-in member or an API key (management API). */
export interface KeyActor {
  orgId: string;
  actor: Exclude<AuditActor, { type: "system" }>;
  meta: Pick<RequestMeta, "ip" | "userAgent">;
}
