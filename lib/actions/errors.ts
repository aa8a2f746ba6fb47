import { z } from "zod";

export type FieldErrors = Record<string, string>;

export type ActionResult<T = undefined> =
  { ok: true; data: T } | { ok: false; code: ActionErrorCode; error: string; fieldErrors?: FieldErrors };

export type ActionErrorCode =
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
  | "INTERNAL";

/** Thrown by services for an expected refusal; the action wrapper turns it into an ActionResult. */
export class ActionError extends Error {
  constructor(
    readonly code: ActionErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
  }
}

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    out[key] ??= issue.message;
  }
  return out;
}

export function validationError(error: z.ZodError): ActionResult<never> {
  return { ok: false, code: "VALIDATION", error: "Check the highlighted fields", fieldErrors: fieldErrorsOf(error) };
}
