import { z } from "zod";
import type { DomainErrorCode, FieldErrors } from "../errors";

export type { FieldErrors };

export type ActionResult<T = undefined> =
  { ok: true; data: T } | { ok: false; code: ActionErrorCode; error: string; fieldErrors?: FieldErrors };

export type ActionErrorCode = DomainErrorCode;

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
