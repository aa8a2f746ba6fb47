import type { AuditActor } from "../audit";
import type { RequestMeta } from "../http/request-meta";

/**
 * Who is changing keys, in which organization: a signed-in member, an API key (management API), or Keyward itself
 * acting on a leak report (system).
 */
export interface KeyActor {
  orgId: string;
  actor: Exclude<AuditActor, { type: "anonymous" }>;
  meta: Pick<RequestMeta, "ip" | "userAgent">;
}
