/** Digits first so that zero-padding with "0" keeps numeric order. */
export const BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export const BASE62_PATTERN = /^[A-Za-z0-9]*$/;

/** Encodes a non-negative safe integer in base62, left-padded with "0" to `width`. */
export function encodeBase62(value: number, width: number): string {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`encodeBase62 needs a non-negative safe integer, got ${value}`);
  }
  let digits = "";
  let rest = value;
  do {
    digits = BASE62_ALPHABET[rest % 62] + digits;
    rest = Math.floor(rest / 62);
  } while (rest > 0);
  if (digits.length > width) {
    throw new RangeError(`${value} does not fit in ${width} base62 characters`);
  }
  return digits.padStart(width, "0");
}
