// Exit codes (as seed 001 documents them for a key-management CLI).
export const EXIT = { OK: 0, GENERIC: 1, AUTH: 2, NOT_FOUND: 3, VALIDATION: 4, SERVER: 5 };

/** A failure to report on stderr with a specific exit code. */
export class CliError extends Error {
  /**
   * @param {string} message
   * @param {number} exitCode
   * @param {{ code?: string, details?: Record<string, unknown> }} [extra]
   */
  constructor(message, exitCode, extra = {}) {
    super(message);
    this.exitCode = exitCode;
    this.code = extra.code;
    this.details = extra.details;
  }
}

/** @param {number} status */
export function exitCodeForStatus(status) {
  if (status === 401 || status === 403) return EXIT.AUTH;
  if (status === 404) return EXIT.NOT_FOUND;
  if (status === 400 || status === 409 || status === 413 || status === 415 || status === 422) return EXIT.VALIDATION;
  if (status >= 500) return EXIT.SERVER;
  return EXIT.GENERIC;
}

// API field names → the flags that set them, so a validation error points at what to change.
const FIELD_FLAGS = [
  [/^name$/, "name"],
  [/^description$/, "--description"],
  [/^expiry/, "--expires"],
  [/^scopes/, "--scopes"],
  [/^cidrs/, "--cidr"],
  [/^grace$/, "--grace"],
  [/^reason$/, "--reason"],
  [/^days$/, "--days"],
  [/^(status|limit|cursor|prefix)$/, null],
];

/** @param {string} field */
export function flagFor(field) {
  for (const [pattern, flag] of FIELD_FLAGS) if (pattern.test(field)) return flag ?? `--${field}`;
  return field;
}
