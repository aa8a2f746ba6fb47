import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BASE62_ALPHABET } from "./base62";
import { keyPrefixSchema, KEY_PREFIX_PATTERN } from "./key-prefix";
import { generateSecret, isPublicId, newPublicId, randomBase62 } from "./secret";
import { displaySecret, findSecretsInText, looksLikeKeywardSecret, parseSecret, secretChecksum, SECRET_MAX_LENGTH } from "./secret-format";

const base62Char = fc.constantFrom(...BASE62_ALPHABET);
const prefixArb = fc.stringMatching(/^[a-z][a-z0-9]{1,7}$/);
const envArb = fc.constantFrom("live" as const, "test" as const);
const bodyArb = fc.string({ unit: base62Char, minLength: 32, maxLength: 32 });
const secretArb = fc
  .tuple(prefixArb, envArb, bodyArb)
  .map(([prefix, env, body]) => `${prefix}_${env}_${body}${secretChecksum(prefix, env, body)}`);

describe("generateSecret", () => {
  it("produces <prefix>_<env>_<32 base62><6 checksum>", () => {
    const { secret, displayPrefix, last4 } = generateSecret({ prefix: "kw", env: "live" });
    expect(secret).toMatch(/^kw_live_[A-Za-z0-9]{38}$/);
    expect(displayPrefix).toBe("kw_live_");
    expect(last4).toBe(secret.slice(-4));
    expect(looksLikeKeywardSecret(secret)).toBe(true);
    expect(parseSecret(secret)).toEqual({
      prefix: "kw",
      env: "live",
      body: secret.slice(8, 40),
      checksum: secret.slice(40),
    });
  });

  it("makes test secrets and long prefixes", () => {
    const { secret } = generateSecret({ prefix: "acme2025", env: "test" });
    expect(secret).toMatch(/^acme2025_test_/);
    expect(secret.length).toBe(SECRET_MAX_LENGTH);
    expect(looksLikeKeywardSecret(secret)).toBe(true);
  });

  it("never repeats", () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generateSecret({ prefix: "kw", env: "live" }).secret));
    expect(seen.size).toBe(1000);
  });

  it("rejects an invalid prefix or environment", () => {
    expect(() => generateSecret({ prefix: "KW", env: "live" })).toThrow("Invalid key prefix");
    expect(() => generateSecret({ prefix: "k", env: "live" })).toThrow("Invalid key prefix");
    // @ts-expect-error runtime guard
    expect(() => generateSecret({ prefix: "kw", env: "prod" })).toThrow("Invalid key environment");
  });
});

describe("randomBase62", () => {
  it("only uses base62 characters, roughly uniformly", () => {
    const sample = randomBase62(62 * 2000);
    expect(sample).toMatch(/^[A-Za-z0-9]+$/);
    const counts = new Map<string, number>();
    for (const char of sample) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // Expected 2000 each (σ≈44); plain `byte % 62` would push the first 8 characters to ~2420.
    for (const count of counts.values()) expect(count).toBeGreaterThan(1700);
    for (const count of counts.values()) expect(count).toBeLessThan(2250);
  });

  it("returns exactly the requested length", () => {
    for (const length of [0, 1, 20, 32, 100]) expect(randomBase62(length)).toHaveLength(length);
  });
});

describe("checksum", () => {
  it("detects every single-character substitution (random secrets)", () => {
    fc.assert(
      fc.property(secretArb, (secret) => {
        expect(looksLikeKeywardSecret(secret)).toBe(true);
        for (let i = 0; i < secret.length; i++) {
          for (const char of BASE62_ALPHABET) {
            if (char === secret[i]) continue;
            const changed = secret.slice(0, i) + char + secret.slice(i + 1);
            if (looksLikeKeywardSecret(changed)) throw new Error(`${changed} still passes (position ${i})`);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it("detects every single-character substitution (generated secrets)", () => {
    for (let run = 0; run < 10; run++) {
      const { secret } = generateSecret({ prefix: "kw", env: run % 2 ? "live" : "test" });
      for (let i = 0; i < secret.length; i++) {
        for (const char of BASE62_ALPHABET) {
          if (char === secret[i]) continue;
          expect(looksLikeKeywardSecret(secret.slice(0, i) + char + secret.slice(i + 1))).toBe(false);
        }
      }
    }
  });

  it("detects adjacent transpositions of different characters", () => {
    fc.assert(
      fc.property(secretArb, fc.nat(), (secret, seed) => {
        const i = seed % (secret.length - 1);
        fc.pre(secret[i] !== secret[i + 1]);
        const swapped = secret.slice(0, i) + secret[i + 1] + secret[i] + secret.slice(i + 2);
        expect(looksLikeKeywardSecret(swapped)).toBe(false);
      }),
    );
  });
});

describe("parseSecret / looksLikeKeywardSecret", () => {
  const good = generateSecret({ prefix: "kw", env: "live" }).secret;

  it.each([
    ["empty string", ""],
    ["prefix only", "kw_live_"],
    ["one character short", good.slice(0, -1)],
    ["one character long", `${good}a`],
    ["surrounding whitespace", ` ${good} `],
    ["uppercase prefix", `KW${good.slice(2)}`],
    ["unknown environment", good.replace("_live_", "_prod_")],
    ["prefix too long", `abcdefghi${good.slice(2)}`],
    ["non-base62 body", `${good.slice(0, 10)}-${good.slice(11)}`],
    ["10k characters", "a".repeat(10_000)],
  ])("rejects %s", (_label, text) => {
    expect(parseSecret(text)).toBeNull();
    expect(looksLikeKeywardSecret(text)).toBe(false);
  });

  it("rejects non-strings", () => {
    expect(parseSecret(undefined)).toBeNull();
    expect(looksLikeKeywardSecret(42)).toBe(false);
  });

  it("parses whatever it generated", () => {
    fc.assert(
      fc.property(prefixArb, envArb, (prefix, env) => {
        const { secret } = generateSecret({ prefix, env });
        expect(parseSecret(secret)).toMatchObject({ prefix, env });
      }),
      { numRuns: 50 },
    );
  });
});

describe("findSecretsInText", () => {
  const a = generateSecret({ prefix: "kw", env: "live" }).secret;
  const b = generateSecret({ prefix: "acme", env: "test" }).secret;
  const forged = `${a.slice(0, -1)}${a.endsWith("A") ? "B" : "A"}`;

  it.each([
    ["a log line", `2025-01-01 INFO auth ok key=${a} user=1`, [a]],
    ["JSON", JSON.stringify({ key: a, other: b }), [a, b]],
    ["a URL query", `https://api.example.com/v1?key=${a}&page=2`, [a]],
    ["quotes and punctuation", `'${a}', (${b}). <${a}>`, [a, b]],
    ["a line start and end", `${a}\n${b}`, [a, b]],
    ["percent-encoded JSON", `%7B%22key%22%3A%22${a}%22%7D`, [a]],
    ["an escaped newline in a JSON string", `"first\\n${a}\\tsecond"`, [a]],
    ["a Bearer header", `Authorization: Bearer ${a}`, [a]],
  ])("finds secrets in %s", (_label, text, expected) => {
    expect(findSecretsInText(text)).toEqual(expected);
  });

  it.each([
    ["a longer token (word char before)", `x${a}`],
    ["a longer token (underscore before)", `my_${a}`],
    ["a longer token (word char after)", `${a}x`],
    ["a longer token (underscore after)", `${a}_v2`],
    ["a bad checksum", forged],
    ["plain text", "kw_live_ is our prefix"],
    ["10k of noise", "kw_live_".repeat(1250)],
  ])("finds nothing in %s", (_label, text) => {
    expect(findSecretsInText(text)).toEqual([]);
  });

  it("reports each secret once, in order of first appearance", () => {
    expect(findSecretsInText(`${b} ${a} ${b} ${a}`)).toEqual([b, a]);
  });

  it("handles non-strings and huge inputs", () => {
    expect(findSecretsInText(undefined as unknown as string)).toEqual([]);
    const haystack = `${"lorem ipsum ".repeat(100_000)}${a}`;
    const started = performance.now();
    expect(findSecretsInText(haystack)).toEqual([a]);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("finds every planted secret among random noise", () => {
    const noise = fc.string({ unit: fc.constantFrom(" ", "\n", ",", "=", '"', "a", "Z", "9", "-", "_"), maxLength: 30 });
    fc.assert(
      fc.property(fc.array(secretArb, { minLength: 1, maxLength: 4 }), noise, (secrets, filler) => {
        const text = secrets.map((secret) => `${filler} ${secret} ${filler}`).join(";");
        expect(findSecretsInText(text)).toEqual([...new Set(secrets)]);
      }),
    );
  });
});

describe("displaySecret", () => {
  it("shows the prefix and at most the last 4 characters", () => {
    expect(displaySecret("kw_live_", "a1b2")).toBe("kw_live_…a1b2");
    expect(displaySecret("kw_live_", "0123456789")).toBe("kw_live_…6789");
  });
});

describe("newPublicId", () => {
  it("makes prefixed 20-character base62 ids", () => {
    const id = newPublicId("key");
    expect(id).toMatch(/^key_[A-Za-z0-9]{20}$/);
    expect(isPublicId("key", id)).toBe(true);
    expect(isPublicId("org", id)).toBe(false);
    expect(newPublicId("org")).toMatch(/^org_[A-Za-z0-9]{20}$/);
    expect(newPublicId("usr")).not.toBe(newPublicId("usr"));
  });

  it("rejects bad prefixes and recognises malformed ids", () => {
    expect(() => newPublicId("Key")).toThrow("Invalid public id prefix");
    expect(() => newPublicId("")).toThrow();
    expect(isPublicId("key", "key_short")).toBe(false);
    expect(isPublicId("key", `key_${"-".repeat(20)}`)).toBe(false);
    expect(isPublicId("key", 7)).toBe(false);
  });
});

describe("keyPrefixSchema", () => {
  it.each(["kw", "acme", "a1", "abcdefgh"])("accepts %s", (prefix) => {
    expect(keyPrefixSchema.parse(prefix)).toBe(prefix);
    expect(KEY_PREFIX_PATTERN.test(prefix)).toBe(true);
  });

  it.each([
    ["k", "k", "The prefix needs at least 2 characters"],
    ["abcdefghi", "abcdefghi", "The prefix can have at most 8 characters"],
    ["1kw", "1kw", "The prefix must start with a lowercase letter"],
    ["Kw", "Kw", "The prefix must start with a lowercase letter"],
    ["k_w", "k_w", "Use only lowercase letters and digits in the prefix"],
    ["10k characters", "x".repeat(10_000), "The prefix can have at most 8 characters"],
  ])("rejects %s", (_label, prefix, message) => {
    const result = keyPrefixSchema.safeParse(prefix);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].message).toBe(message);
  });

  it("trims and requires text", () => {
    expect(keyPrefixSchema.parse("  kw ")).toBe("kw");
    expect(keyPrefixSchema.safeParse(undefined).error?.issues[0].message).toBe("Enter a key prefix");
  });
});
