import { createHmac, timingSafeEqual } from "node:crypto";

// Secrets are stored as HMAC-SHA256 keyed with the organisation's signing secret rather
// than a plain SHA-256: someone holding only a database dump cannot confirm a guessed
// or leaked secret against the stored hashes without also holding the signing secret,
// which lives outside the database. The secret itself has ~190 bits of entropy, so a
// fast keyed hash is enough; a slow password hash would only cost verification latency.

export const MIN_SIGNING_SECRET_BYTES = 32;

/** Hex HMAC-SHA256 of the secret; the value stored and looked up. */
export function hashSecret(signingSecret: Buffer, secret: string): string {
  if (!Buffer.isBuffer(signingSecret) || signingSecret.length < MIN_SIGNING_SECRET_BYTES) {
    throw new TypeError(`The signing secret must be a Buffer of at least ${MIN_SIGNING_SECRET_BYTES} bytes`);
  }
  return createHmac("sha256", signingSecret).update(secret, "utf8").digest("hex");
}

/** Constant-time comparison of two hashes; different lengths are simply unequal. */
export function secretHashesEqual(a: string, b: string): boolean {
  if (typeof a !== "string" || typeof b !== "string") return false;
  const left = Buffer.from(a, "utf16le");
  const right = Buffer.from(b, "utf16le");
  if (left.length !== right.length) {
    // Burn a comparison anyway; only the (public) hash length can leak.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** hashSecret(signingSecret, secret) compared in constant time with a stored hash. */
export function verifySecretHash(signingSecret: Buffer, secret: string, storedHash: string): boolean {
  return secretHashesEqual(hashSecret(signingSecret, secret), storedHash);
}
