import { createHash, timingSafeEqual } from "node:crypto";

/** Constant-time equality of two strings of any lengths (their SHA-256 digests are compared). */
export function sameText(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return timingSafeEqual(x, y);
}
