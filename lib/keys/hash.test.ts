import { createHash, randomBytes } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hashSecret, MIN_SIGNING_SECRET_BYTES, secretHashesEqual, verifySecretHash } from "./hash";
import { generateSecret } from "./secret";

const signingSecretArb = fc.uint8Array({ minLength: 32, maxLength: 64 }).map((bytes) => Buffer.from(bytes));

describe("hashSecret", () => {
  const key = Buffer.alloc(32, 7);

  it("is HMAC-SHA256 in lowercase hex", () => {
    // RFC 4231 style check computed independently with node:crypto's createHash-based HMAC.
    const inner = createHash("sha256")
      .update(Buffer.concat([Buffer.alloc(64, 0x36).map((b, i) => b ^ (key[i] ?? 0)), Buffer.from("kw_live_x")]))
      .digest();
    const outer = createHash("sha256")
      .update(Buffer.concat([Buffer.alloc(64, 0x5c).map((b, i) => b ^ (key[i] ?? 0)), inner]))
      .digest("hex");
    expect(hashSecret(key, "kw_live_x")).toBe(outer);
    expect(hashSecret(key, "kw_live_x")).toMatch(/^[0-9a-f]{64}$/);
  });

  it("depends on the signing secret", () => {
    const secret = generateSecret({ prefix: "kw", env: "live" }).secret;
    expect(hashSecret(key, secret)).not.toBe(hashSecret(Buffer.alloc(32, 8), secret));
  });

  it("refuses a missing or short signing secret", () => {
    expect(() => hashSecret(Buffer.alloc(MIN_SIGNING_SECRET_BYTES - 1), "x")).toThrow("at least 32 bytes");
    expect(() => hashSecret("not a buffer" as unknown as Buffer, "x")).toThrow(TypeError);
  });

  it("round-trips a lookup by hash", () => {
    fc.assert(
      fc.property(signingSecretArb, fc.uniqueArray(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 20 }), (signing, secrets) => {
        const table = new Map(secrets.map((secret, id) => [hashSecret(signing, secret), id]));
        expect(table.size).toBe(secrets.length);
        secrets.forEach((secret, id) => {
          const stored = hashSecret(signing, secret);
          expect(table.get(hashSecret(signing, secret))).toBe(id);
          expect(verifySecretHash(signing, secret, stored)).toBe(true);
          expect(verifySecretHash(signing, `${secret}x`, stored)).toBe(false);
        });
      }),
      { numRuns: 50 },
    );
  });

  it("round-trips generated secrets and misses under another org's signing secret", () => {
    const signing = randomBytes(32);
    const other = randomBytes(32);
    const secrets = Array.from({ length: 50 }, () => generateSecret({ prefix: "kw", env: "live" }).secret);
    const table = new Map(secrets.map((secret, i) => [hashSecret(signing, secret), i]));
    secrets.forEach((secret, i) => {
      expect(table.get(hashSecret(signing, secret))).toBe(i);
      expect(table.has(hashSecret(other, secret))).toBe(false);
    });
  });
});

describe("secretHashesEqual", () => {
  it("compares equal and unequal hashes", () => {
    const a = hashSecret(Buffer.alloc(32, 1), "a");
    const b = hashSecret(Buffer.alloc(32, 1), "b");
    expect(secretHashesEqual(a, a)).toBe(true);
    expect(secretHashesEqual(a, `${a}`)).toBe(true);
    expect(secretHashesEqual(a, b)).toBe(false);
  });

  it("is safe with different lengths and non-strings", () => {
    expect(secretHashesEqual("abc", "abcd")).toBe(false);
    expect(secretHashesEqual("", "")).toBe(true);
    expect(secretHashesEqual("abc", undefined as unknown as string)).toBe(false);
    expect(secretHashesEqual(null as unknown as string, "abc")).toBe(false);
  });

  it("agrees with === on arbitrary strings", () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(secretHashesEqual(a, b)).toBe(a === b);
        expect(secretHashesEqual(a, a)).toBe(true);
      }),
    );
    const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
    fc.assert(
      fc.property(fc.string({ unit: anyCodeUnit }), fc.string({ unit: anyCodeUnit }), (a, b) => {
        expect(secretHashesEqual(a, b)).toBe(a === b);
      }),
    );
    expect(secretHashesEqual("\uD800", "\uDC00")).toBe(false);
  });
});
