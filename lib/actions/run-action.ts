import type { z } from "zod";
import { log } from "../log";
import { DomainError } from "../errors";
import { isDatabaseUnavailable } from "../db/unavailable";
import { validationError, type ActionResult } from "./errors";

/**
 * The one pipeline every action and API mutation runs: parse with the shared schema, run, and turn any
 * failure into the one error shape. Framework-free so integration tests drive it against a real database.
 */
export async function runAction<S extends z.ZodType, T>(
  schema: S,
  raw: unknown,
  handler: (input: z.output<S>) => Promise<T>,
  rethrow: (error: unknown) => void = () => {},
): Promise<ActionResult<T>> {
  try {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return validationError(parsed.error);
    return { ok: true, data: await handler(parsed.data) };
  } catch (error) {
    rethrow(error);
    return errorResult(error);
  }
}

export const DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable right now; nothing was changed. Try again in a moment.";

export function errorResult(error: unknown): ActionResult<never> {
  if (error instanceof DomainError) {
    return { ok: false, code: error.code, error: error.message, fieldErrors: error.fieldErrors };
  }
  // Logged where it is seen first (the server's proxy answers the page, the API its 503): not once per call.
  if (isDatabaseUnavailable(error)) return { ok: false, code: "UNAVAILABLE", error: DATABASE_UNAVAILABLE_MESSAGE };
  // Log the kind of failure only: messages of lower layers may quote input values.
  const e = error as { name?: string; code?: string };
  log.error(`action failed: ${e?.name ?? "Error"}${e?.code ? ` (${e.code})` : ""}`);
  return { ok: false, code: "INTERNAL", error: "Something went wrong. Nothing was changed; try again." };
}
