import { can, type Permission } from "./permissions";
import type { SessionContext } from "./session-context";

export const SESSION_ENDED = "Your session has ended. Sign in again.";
export const ROLE_FORBIDS = "Your role does not allow this action.";
export const TWO_FACTOR_REQUIRED = "Your organization requires two-factor authentication: set it up first.";

/** A refusal in the shape of a failed action result. */
export interface AuthorizationRefusal {
  ok: false;
  code: "UNAUTHENTICATED" | "FORBIDDEN" | "TWO_FACTOR_REQUIRED";
  error: string;
}

/**
 * The one authorization decision for actions and routes: null when the session may act, else the refusal.
 * Framework-free, so the permission-matrix test runs exactly this against real sessions.
 */
export function authorize(session: SessionContext | null, permission: Permission): AuthorizationRefusal | null {
  if (!session) return { ok: false, code: "UNAUTHENTICATED", error: SESSION_ENDED };
  if (session.secondFactorRequired && permission !== "two-factor:enrol") {
    return { ok: false, code: "TWO_FACTOR_REQUIRED", error: TWO_FACTOR_REQUIRED };
  }
  if (!can(session.role, permission)) return { ok: false, code: "FORBIDDEN", error: ROLE_FORBIDS };
  return null;
}
