import { encodeBase62 } from "./base62";
import { crc32 } from "./crc32";
import type { KeyEnvironment } from "./key-prefix";

// Secret format: <orgPrefix>_<env>_<body><checksum>
//   orgPrefix  ^[a-z][a-z0-9]{1,7}$
//   env        live | test
//   body       32 base62 characters (~190 bits of randomness)
//   checksum   CRC-32 of "<orgPrefix>_<env>_<body>", base62, zero-padded to 6 characters
// The checksum lets secret scanners tell a real Keyward secret from random text offline.

export const SECRET_BODY_LENGTH = 32;
export const SECRET_CHECKSUM_LENGTH = 6;
/** Longest possible secret: 8-char prefix + "_test_" + body + checksum. */
export const SECRET_MAX_LENGTH = 8 + 6 + SECRET_BODY_LENGTH + SECRET_CHECKSUM_LENGTH;

export interface ParsedSecret {
  prefix: string;
  env: KeyEnvironment;
  body: string;
  checksum: string;
}

const TAIL_LENGTH = SECRET_BODY_LENGTH + SECRET_CHECKSUM_LENGTH;
const SECRET_SHAPE = new RegExp(`^([a-z][a-z0-9]{1,7})_(live|test)_([A-Za-z0-9]{${TAIL_LENGTH}})$`);

// A secret is found only when it is not glued to other word characters, so it never
// matches inside a longer token. A preceding percent-escape (%22, %3D) or a JSON/C
// escape (\n, \t, \r) still counts as a boundary, because logs are full of both.
const SECRET_IN_TEXT = new RegExp(
  `(?:(?<![A-Za-z0-9_])|(?<=%[0-9A-Fa-f]{2}|\\\\[nrt]))` + `([a-z][a-z0-9]{1,7}_(?:live|test)_[A-Za-z0-9]{${TAIL_LENGTH}})(?![A-Za-z0-9_])`,
  "g",
);

/** Checksum characters for the part of a secret before the checksum. */
export function secretChecksum(prefix: string, env: KeyEnvironment, body: string): string {
  return encodeBase62(crc32(`${prefix}_${env}_${body}`), SECRET_CHECKSUM_LENGTH);
}

/** Splits a secret into its parts; null unless the format and the checksum are both valid. */
export function parseSecret(secret: unknown): ParsedSecret | null {
  if (typeof secret !== "string" || secret.length > SECRET_MAX_LENGTH) return null;
  const match = SECRET_SHAPE.exec(secret);
  if (!match) return null;
  const [, prefix, envText, tail] = match;
  const env = envText as KeyEnvironment;
  const body = tail.slice(0, SECRET_BODY_LENGTH);
  const checksum = tail.slice(SECRET_BODY_LENGTH);
  if (secretChecksum(prefix, env, body) !== checksum) return null;
  return { prefix, env, body, checksum };
}

/** True when the whole string is a Keyward secret with a valid checksum. */
export function looksLikeKeywardSecret(text: unknown): boolean {
  return parseSecret(text) !== null;
}

/** Every distinct checksum-valid secret in a block of text, in order of first appearance. */
export function findSecretsInText(text: string): string[] {
  if (typeof text !== "string") return [];
  const found = new Set<string>();
  const pattern = new RegExp(SECRET_IN_TEXT);
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    if (looksLikeKeywardSecret(match[1])) {
      found.add(match[1]);
    } else {
      // A candidate can swallow a real secret's start ("\nkw_live_…" reads as prefix "nkw"),
      // so after a checksum miss, retry from the next character rather than after the match.
      pattern.lastIndex = match.index + 1;
    }
  }
  return [...found];
}

/** The non-secret lead of a secret, e.g. "kw_live_". */
export function secretDisplayPrefix(prefix: string, env: KeyEnvironment): string {
  return `${prefix}_${env}_`;
}

/** A safe-to-show form such as "kw_live_…a1b2": the prefix and at most the last 4 characters. */
export function displaySecret(displayPrefix: string, last4: string): string {
  return `${displayPrefix}…${last4.slice(-4)}`;
}
