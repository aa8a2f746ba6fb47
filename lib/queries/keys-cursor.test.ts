import { describe, expect, it } from "vitest";
import { decodeKeyCursor, encodeKeyCursor, keyCursorQuerySchema } from "./keys-cursor";

describe("key list cursor", () => {
  it("round-trips (createdAt, id) through an opaque URL-safe string", () => {
    const cursor = { createdAt: new Date("2026-11-25T10:00:00.123Z"), id: "key_4fG7hJ2kL9mN0pQ1rS3t" };
    const text = encodeKeyCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeKeyCursor(text)).toEqual(cursor);
  });

  it.each([
    ["not base64url", "garbage!"],
    ["not JSON", Buffer.from("nope").toString("base64url")],
    ["wrong shape", Buffer.from(JSON.stringify({ a: 1 })).toString("base64url")],
    ["bad date", Buffer.from(JSON.stringify(["yesterday", "key_abc"])).toString("base64url")],
    ["not a key id", Buffer.from(JSON.stringify(["2026-01-01T00:00:00Z", "usr_abc"])).toString("base64url")],
    ["too long", "a".repeat(500)],
  ])("refuses a cursor that is %s", (_label, text) => {
    expect(decodeKeyCursor(text)).toBeNull();
    expect(keyCursorQuerySchema.safeParse({ cursor: text }).success).toBe(false);
  });

  it("defaults to every status and 50 keys, and refuses what it does not know", () => {
    expect(keyCursorQuerySchema.parse({})).toEqual({ status: "all", limit: 50 });
    expect(keyCursorQuerySchema.safeParse({ status: "deleted" }).success).toBe(false);
    expect(keyCursorQuerySchema.safeParse({ limit: "101" }).success).toBe(false);
    expect(keyCursorQuerySchema.safeParse({ prefix: "kw_live_…a1b2" }).success).toBe(true);
    expect(keyCursorQuerySchema.safeParse({ prefix: "%" }).success).toBe(false);
  });
});
