import { z } from "zod";

// Every text field of every schema starts here, so nothing reaches a database it cannot store: a lone UTF-16
// surrogate (half of an emoji, or "\ud800" in JSON) is refused by PostgreSQL and silently replaced by SQLite,
// and PostgreSQL refuses NUL in text. Browser-safe: the forms validate with the same schemas.
const INVALID_TEXT_PATTERN = /[\p{Cs}\u0000]/u;

export const INVALID_TEXT = "This contains characters that are not valid text (a lone surrogate or a NUL)";

/** Well-formed Unicode without NUL: what both databases store as it is. */
export function isValidText(value: string): boolean {
  return !INVALID_TEXT_PATTERN.test(value);
}

/** z.string() for any text input: refuses invalid text first, with its own field message, before other checks run. */
export function text(params?: Parameters<typeof z.string>[0]) {
  return z.string(params).refine(isValidText, { error: INVALID_TEXT, abort: true });
}
