import zlib from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET, encodeBase62 } from "./base62";
import { crc32 } from "./crc32";

describe("crc32", () => {
  it("matches the standard check value", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
  });

  it("agrees with zlib.crc32 on any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 200 }), (text) => {
        expect(crc32(text)).toBe(zlib.crc32(text));
      }),
    );
  });
});

describe("encodeBase62", () => {
  it("zero-pads to the requested width", () => {
    expect(encodeBase62(0, 6)).toBe("000000");
    expect(encodeBase62(61, 6)).toBe("00000z");
    expect(encodeBase62(62, 6)).toBe("000010");
    expect(encodeBase62(0xffffffff, 6)).toBe("4gfFC3");
  });

  it("round-trips every 32-bit value", () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), (value) => {
        const text = encodeBase62(value, 6);
        expect(text).toHaveLength(6);
        const decoded = [...text].reduce((acc, char) => acc * 62 + BASE62_ALPHABET.indexOf(char), 0);
        expect(decoded).toBe(value);
      }),
    );
  });

  it("rejects values it cannot represent", () => {
    expect(() => encodeBase62(-1, 6)).toThrow(RangeError);
    expect(() => encodeBase62(1.5, 6)).toThrow(RangeError);
    expect(() => encodeBase62(62 ** 2, 2)).toThrow("does not fit");
  });
});
