export type FieldErrors = Record<string, string>;

export type DomainErrorCode =
  | "VALIDATION"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "CONFLICT"
  | "RATE_LIMITED"
  // A dangerous action without a fresh proof of identity: the console asks for one, then repeats the call.
  | "STEP_UP_REQUIRED"
  // A member of an organization that requires two-factor, without one yet: only setting one up is allowed.
  | "TWO_FACTOR_REQUIRED"
  // The database could not be reached: nothing was changed, the same call may be repeated in a moment.
  | "UNAVAILABLE"
  | "INTERNAL";

/**
 * An expected refusal by a service (name taken, key revoked, wrong password…). Services sit below the
 * actions and the API, so they throw this; the action wrapper and the API route each map it to their shape.
 */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
  }
}
