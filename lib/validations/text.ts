import { z } from "zod";
import { findSecretsInText } from "../keys/secret-format";

// Every text field of every schema starts here, so nothing reaches a database it cannot store: a lone UTF-16
// surrogate (half of an emoji, or "\ud800" in JSON) is refused by PostgreSQL and silently replaced by SQLite,
// and PostgreSQL refuses NUL in text. Browser-safe: the forms validate with the same schemas.
const INVALID_TEXT_PATTERN = /[\p{Cs}\u0000]/u;

export const INVALID_TEXT = "This contains characters that are not valid text (a lone surrogate or a NUL)";

/** Well-formed Unicode without NUL: what both databases store as it is. */
export function isValidText(value: string): boolean {
  return !INVALID_TEXT_PATTERN.test(value);
}

export const SECRET_IN_TEXT =
  "This holds an API key secret. Secrets are never stored in plain text: remove it (and treat that secret as leaked: rotate or revoke its key)";

/** No checksum-valid Keyward secret anywhere in the text. */
export function holdsNoSecret(value: string): boolean {
  return findSecretsInText(value).length === 0;
}

/**
 * z.string() for any text input: refuses invalid text first, with its own field message, before other checks run;
 * then refuses a pasted API key secret, since names, descriptions and reasons are stored and shown in plain text.
 * `mayHoldSecret` is for the few fields whose value is never stored as typed: pasted text scanned for leaks,
 * and passwords (hashed).
 */
export function text(params?: Parameters<typeof z.string>[0], options: { mayHoldSecret?: boolean } = {}) {
  const valid = z.string(params).refine(isValidText, { error: INVALID_TEXT, abort: true });
  return options.mayHoldSecret ? valid : valid.refine(holdsNoSecret, { error: SECRET_IN_TEXT, abort: true });
}
