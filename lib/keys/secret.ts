import { randomBytes } from "node:crypto";
import { BASE62_ALPHABET } from "./base62";
import { isKeyEnvironment, isKeyPrefix, type KeyEnvironment } from "./key-prefix";
import { SECRET_BODY_LENGTH, secretChecksum, secretDisplayPrefix } from "./secret-format";

export interface GeneratedSecret {
  /** Shown to the user once, never stored. */
  secret: string;
  /** e.g. "kw_live_" */
  displayPrefix: string;
  /** The last 4 characters of the secret (part of the checksum). */
  last4: string;
}

// 248 = 4 * 62: bytes at or above it are thrown away so that every character is
// equally likely (a plain `byte % 62` would favour the first 8 characters).
const UNBIASED_BYTE_LIMIT = 256 - (256 % 62);

/** `length` uniformly random base62 characters from the system CSPRNG. */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    const bytes = randomBytes(Math.ceil((length - out.length) * 1.1) + 4);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      if (bytes[i] < UNBIASED_BYTE_LIMIT) out += BASE62_ALPHABET[bytes[i] % 62];
    }
  }
  return out;
}

export function generateSecret({ prefix, env }: { prefix: string; env: KeyEnvironment }): GeneratedSecret {
  if (!isKeyPrefix(prefix)) throw new TypeError(`Invalid key prefix ${JSON.stringify(prefix)}`);
  if (!isKeyEnvironment(env)) throw new TypeError(`Invalid key environment ${JSON.stringify(env)}`);
  const body = randomBase62(SECRET_BODY_LENGTH);
  const secret = `${prefix}_${env}_${body}${secretChecksum(prefix, env, body)}`;
  return { secret, displayPrefix: secretDisplayPrefix(prefix, env), last4: secret.slice(-4) };
}

export const PUBLIC_ID_LENGTH = 20;
const PUBLIC_ID_PREFIX = /^[a-z][a-z0-9]{1,7}$/;

/** Known row-id prefixes; any other short lowercase prefix is accepted too. */
export type PublicIdPrefix = "key" | "org" | "usr" | (string & {});

/** A random row id such as "key_4fG7…" (prefix, "_", 20 base62 characters ≈ 119 bits). */
export function newPublicId(prefix: PublicIdPrefix): string {
  if (!PUBLIC_ID_PREFIX.test(prefix)) throw new TypeError(`Invalid public id prefix ${JSON.stringify(prefix)}`);
  return `${prefix}_${randomBase62(PUBLIC_ID_LENGTH)}`;
}

/** True when `value` is an id made by newPublicId(prefix). */
export function isPublicId(prefix: PublicIdPrefix, value: unknown): value is string {
  return (
    typeof value === "string" &&
    value.length === prefix.length + 1 + PUBLIC_ID_LENGTH &&
    value.startsWith(`${prefix}_`) &&
    /^[A-Za-z0-9]+$/.test(value.slice(prefix.length + 1))
  );
}
