"use client";
import type { FieldValues, Path, UseFormSetError } from "react-hook-form";
import type { ActionResult } from "../actions/errors";

/** Puts a failed action's field errors on their fields (focusing the first); returns the message for everything else. */
export function applyActionErrors<T extends FieldValues>(result: ActionResult<unknown>, setError: UseFormSetError<T>): string | null {
  if (result.ok) return null;
  const fields = Object.entries(result.fieldErrors ?? {});
  fields.forEach(([name, message], i) => setError(name as Path<T>, { type: "server", message }, { shouldFocus: i === 0 }));
  // A message its field already shows is not repeated above the form.
  const shownOnField = fields.some(([, message]) => message === result.error);
  return fields.length > 0 && (result.code === "VALIDATION" || shownOnField) ? null : result.error;
}
