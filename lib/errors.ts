export type FieldErrors = Record<string, string>;

export type DomainErrorCode = "VALIDATION" | "UNAUTHENTICATED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "RATE_LIMITED" | "INTERNAL";

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
