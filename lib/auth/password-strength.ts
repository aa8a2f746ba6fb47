import { zxcvbn, zxcvbnOptions } from "@zxcvbn-ts/core";
import * as common from "@zxcvbn-ts/language-common";
import * as en from "@zxcvbn-ts/language-en";
import { DomainError } from "../errors";

// New passwords are checked offline against common and breached passwords, names, keyboard walks, dates and
// l33t variants by zxcvbn-ts with its common and English dictionaries (no network, no list of ours to keep).
// Server-side only: the dictionaries are ~1.5 MB, not something to ship to every sign-in form.
// The l33t matcher tries substitution combinations: with the default (100) a crafted 64-character password
// ("p4$$w0rd" repeated) took 3–5 s of CPU on the Next thread; 10 and the 32-character cap below keep the
// worst case measured under 0.3 s, and l33t variants of common passwords (p@ssw0rd1234) are still caught.
zxcvbnOptions.setOptions({
  translations: en.translations,
  graphs: common.adjacencyGraphs,
  dictionary: { ...common.dictionary, ...en.dictionary },
  l33tMaxSubstitutions: 10,
});

/** zxcvbn's scale: 3 = "safely unguessable" (about 10^8 guesses and more). */
export const MIN_PASSWORD_SCORE = 3;
// zxcvbn's cost grows with the length; the first 32 characters of a strong password are strong on their own.
const ESTIMATE_MAX_CHARS = 32;

/** Null when the password is strong enough, else the field error to show. `related` are the user's own words (email, organization). */
export function weakPasswordMessage(password: string, related: string[] = []): string | null {
  const words = related.flatMap((text) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length >= 3);
  const result = zxcvbn(password.slice(0, ESTIMATE_MAX_CHARS), words);
  if (result.score >= MIN_PASSWORD_SCORE) return null;
  const why = result.feedback.warning ? ` (${result.feedback.warning.replace(/\.$/, "")})` : "";
  return `This password is too easy to guess${why}. Use a longer phrase of unrelated words.`;
}

/** Throws a VALIDATION DomainError on `field` when the new password is weak. */
export function assertStrongPassword(password: string, related: string[], field = "password"): void {
  const message = weakPasswordMessage(password, related);
  if (message) throw new DomainError("VALIDATION", message, { [field]: message });
}
