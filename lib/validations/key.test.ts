import { describe, expect, it } from "vitest";
import { InvalidExpiryError } from "../keys/expiry";
import { generateSecret } from "../keys/secret";
import { SECRET_IN_TEXT } from "./text";
import {
  BULK_REVOKE_MAX,
  bulkRevokePhrase,
  bulkRevokeSchema,
  confirmNameMatches,
  createKeySchema,
  createKeySchemaAt,
  DESCRIPTION_MAX,
  editKeySchemaAt,
  GRACE_PERIODS,
  graceMs,
  KEY_NAME_MAX,
  keyIdSchema,
  keyPrefixSchema,
  MAX_CIDRS,
  MAX_SCOPES,
  MAX_TAGS,
  META_MAX_BYTES,
  META_NOT_OBJECT,
  metaSchema,
  OWNER_MAX,
  ownerSchema,
  TAG_MAX,
  tagsSchema,
  normalizeCreateKeyInput,
  normalizeEditKeyInput,
  RESOURCE_FILTER_MAX,
  revokeKeySchema,
  rotateKeySchema,
  type CreateKeyInput,
} from "./key";

const now = new Date("2025-06-01T12:00:00.000Z");
const createKey = createKeySchemaAt(() => now);
const editKey = editKeySchemaAt(() => now);
const KEY_ID = "key_ABCDEFGHIJ0123456789";
const OTHER_ID = "key_abcdefghij0123456789";

const valid: CreateKeyInput = {
  name: "CI deploys",
  expiry: { preset: "90d" },
  scopes: [{ action: "write", resourceFilter: "projects/web/**" }],
};

type Issue = { path: PropertyKey[]; message: string };

function issues(result: { success: boolean; error?: { issues: Issue[] } }): Record<string, string> {
  expect(result.success).toBe(false);
  return Object.fromEntries(result.error!.issues.map((issue) => [issue.path.join("."), issue.message]));
}

describe("limits", () => {
  it("are exported for the forms", () => {
    expect([KEY_NAME_MAX, DESCRIPTION_MAX, MAX_SCOPES, MAX_CIDRS, RESOURCE_FILTER_MAX, BULK_REVOKE_MAX]).toEqual([
      64, 500, 20, 50, 256, 100,
    ]);
    expect(keyPrefixSchema.parse("kw")).toBe("kw");
  });
});

describe("createKeySchema", () => {
  it("accepts a minimal key and fills in defaults", () => {
    expect(createKey.parse(valid)).toEqual({
      name: "CI deploys",
      description: "",
      expiry: { preset: "90d" },
      scopes: [{ action: "write", resourceFilter: "projects/web/**" }],
      cidrs: [],
      environment: "live",
      owner: "",
      tags: [],
      meta: "{}",
      rateLimits: [],
      tier: "",
      quota: null,
      refill: null,
    });
    expect(createKeySchema.safeParse(valid).success).toBe(true);
  });

  it("trims and NFC-normalises the name and trims filters", () => {
    const parsed = createKey.parse({
      ...valid,
      name: "  Cafe\u0301 key  ",
      scopes: [{ action: "read", resourceFilter: "  projects/** " }],
    });
    expect(parsed.name).toBe("Café key");
    expect(parsed.scopes[0].resourceFilter).toBe("projects/**");
  });

  it.each([
    ["missing name", { name: undefined }, { name: "Give the key a name" }],
    ["blank name", { name: "   " }, { name: "Give the key a name" }],
    ["long name", { name: "x".repeat(65) }, { name: "Keep the name to 64 characters or fewer" }],
    ["10k name", { name: "x".repeat(10_000) }, { name: "Keep the name to 64 characters or fewer" }],
    ["newline in name", { name: "a\nb" }, { name: "The name can't contain control or invisible characters" }],
    ["zero-width space in name", { name: "a\u200bb" }, { name: "The name can't contain control or invisible characters" }],
    ["bidi override in name", { name: "a\u202eb" }, { name: "The name can't contain control or invisible characters" }],
    ["long description", { description: "d".repeat(501) }, { description: "Keep the description to 500 characters or fewer" }],
    ["10k description", { description: "d".repeat(10_000) }, { description: "Keep the description to 500 characters or fewer" }],
    ["control char in description", { description: "a\u0007b" }, { description: "The description can't contain control characters" }],
    ["unknown preset", { expiry: { preset: "2w" } }, { "expiry.preset": "Choose when the key expires" }],
    ["custom without date", { expiry: { preset: "custom" } }, { "expiry.customAt": "Pick a date and time" }],
    [
      "custom in the past",
      { expiry: { preset: "custom", customAt: "2020-01-01T00:00:00Z" } },
      { "expiry.customAt": "That date and time is not in the future; pick a later one" },
    ],
    [
      "custom too far",
      { expiry: { preset: "custom", customAt: "2031-01-01" } },
      { "expiry.customAt": "The expiry can be at most 5 years from now" },
    ],
    ["custom 10k", { expiry: { preset: "custom", customAt: "2".repeat(10_000) } }, { "expiry.customAt": "That is too long to be a date" }],
    ["no scopes", { scopes: [] }, { scopes: "Add at least one scope" }],
    ["scopes not a list", { scopes: "read" }, { scopes: "Add at least one scope" }],
    [
      "too many scopes",
      { scopes: Array.from({ length: 21 }, () => ({ action: "read", resourceFilter: "" })) },
      { scopes: "A key can have at most 20 scopes" },
    ],
    [
      "bad action",
      { scopes: [{ action: "owner", resourceFilter: "" }] },
      { "scopes.0.action": "Choose an action: read, write, admin or any action (*)" },
    ],
    [
      "missing filter",
      { scopes: [{ action: "read" }] },
      { "scopes.0.resourceFilter": "Enter a resource filter, or leave it blank for all resources" },
    ],
    [
      "bad filters on their own paths",
      {
        scopes: [
          { action: "read", resourceFilter: "ok/**" },
          { action: "read", resourceFilter: "a//b" },
          { action: "write", resourceFilter: "x".repeat(10_000) },
        ],
      },
      {
        "scopes.1.resourceFilter": "Resource filter has an empty segment (two slashes in a row)",
        "scopes.2.resourceFilter": "Resource filter is too long (10000 characters; the limit is 256)",
      },
    ],
    [
      "bad CIDRs on their own paths",
      { cidrs: ["10.0.0.0/8", "", "10.0.0.1/8", "x".repeat(10_000)] },
      {
        "cidrs.2": "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?",
        "cidrs.3": `"${"x".repeat(24)}…" is too long to be an IP address or range`,
      },
    ],
    [
      "too many CIDRs",
      { cidrs: Array.from({ length: 51 }, (_, i) => `10.0.${i}.0/24`) },
      { cidrs: "List at most 50 IP ranges (you have 51)" },
    ],
    ["non-string CIDR", { cidrs: [5] }, { "cidrs.0": "Each entry must be text" }],
    ["bad environment", { environment: "prod" }, { environment: 'Environment must be "live" or "test"' }],
  ])("rejects %s on its field", (_label, patch, expected) => {
    expect(issues(createKey.safeParse({ ...valid, ...patch }))).toEqual(expected);
  });

  it("reports problems in several fields at once", () => {
    const result = createKey.safeParse({
      name: "",
      expiry: { preset: "custom", customAt: "yesterday" },
      scopes: [{ action: "read", resourceFilter: "/x" }],
      cidrs: ["1.2.3"],
    });
    expect(issues(result)).toEqual({
      name: "Give the key a name",
      "expiry.customAt": "Enter a date such as 2030-01-31 or 2030-01-31T17:00:00Z",
      "scopes.0.resourceFilter": "Resource filter must not start with a slash",
      "cidrs.0": "1.2.3 needs all four parts, e.g. 10.0.0.0",
    });
  });

  it("ignores blank CIDR lines and allows 50 real ones", () => {
    const cidrs = [...Array.from({ length: 50 }, (_, i) => `10.0.${i}.0/24`), "", "  "];
    expect(createKey.safeParse({ ...valid, cidrs }).success).toBe(true);
  });

  it("keeps emoji with joiners in names", () => {
    expect(createKey.parse({ ...valid, name: "👩‍💻 laptop" }).name).toBe("👩‍💻 laptop");
  });
});

describe("normalizeCreateKeyInput", () => {
  it("resolves expiry, normalises scopes and CIDRs", () => {
    const parsed = createKey.parse({
      ...valid,
      description: " nightly ",
      environment: "test",
      scopes: [
        { action: "read", resourceFilter: "**" },
        { action: "write", resourceFilter: "a/**/**" },
        { action: "read", resourceFilter: "*" },
      ],
      cidrs: ["2001:DB8::/32", "", "192.0.2.7"],
    });
    expect(normalizeCreateKeyInput(parsed, now)).toEqual({
      name: "CI deploys",
      description: "nightly",
      environment: "test",
      expiresAt: new Date("2025-08-30T12:00:00.000Z"),
      scopes: [
        { action: "read", resourceFilter: "" },
        { action: "write", resourceFilter: "a/**" },
      ],
      cidrs: ["2001:db8::/32", "192.0.2.7/32"],
      owner: null,
      tags: [],
      meta: "{}",
      limits: { rateLimits: "[]", tier: "", quota: null, refill: null },
      warnings: ["Read all resources is listed twice; it is saved once"],
    });
  });

  it("stores an empty CIDR list as allow-all", () => {
    expect(normalizeCreateKeyInput(createKey.parse(valid), now).cidrs).toEqual(["0.0.0.0/0", "::/0"]);
  });

  it("warns about full access, wildcard ranges and no expiry", () => {
    const parsed = createKey.parse({
      ...valid,
      expiry: { preset: "never" },
      scopes: [{ action: "*", resourceFilter: "" }],
      cidrs: ["0.0.0.0/0"],
    });
    const result = normalizeCreateKeyInput(parsed, now);
    expect(result.expiresAt).toBeNull();
    expect(result.warnings).toEqual([
      "This key has full access: any action on all resources",
      "0.0.0.0/0 allows calls from any IPv4 address",
      "Only IPv4 ranges are listed, so calls over IPv6 will be refused",
      "This key never expires; consider setting an expiry date",
    ]);
  });

  it("resolves a custom expiry against the given clock", () => {
    const parsed = createKey.parse({ ...valid, expiry: { preset: "custom", customAt: "2025-06-02" } });
    expect(normalizeCreateKeyInput(parsed, now).expiresAt).toEqual(new Date("2025-06-02T00:00:00Z"));
    expect(() => normalizeCreateKeyInput(parsed, new Date("2025-06-03T00:00:00Z"))).toThrow(InvalidExpiryError);
  });

  it("refuses unvalidated input", () => {
    const base = createKey.parse(valid);
    expect(() => normalizeCreateKeyInput({ ...base, scopes: [{ action: "read", resourceFilter: "a//b" }] }, now)).toThrow(
      "parse the input with the schema first",
    );
    expect(() => normalizeCreateKeyInput({ ...base, cidrs: ["nope"] }, now)).toThrow("Invalid allowed IPs: nope is not a valid IP address");
  });
});

describe("editKeySchema", () => {
  it("needs a key id and at least one change", () => {
    expect(issues(editKey.safeParse({ keyId: "nope", name: "x" }))).toEqual({ keyId: "That is not a valid key id" });
    expect(issues(editKey.safeParse({ keyId: KEY_ID }))).toEqual({ "": "There is nothing to change" });
    expect(issues(editKey.safeParse({ name: "x" }))).toEqual({ keyId: "A key id is required" });
  });

  it("validates only the fields present", () => {
    expect(editKey.parse({ keyId: KEY_ID, cidrs: [] })).toEqual({ keyId: KEY_ID, cidrs: [] });
    expect(issues(editKey.safeParse({ keyId: KEY_ID, scopes: [{ action: "read", resourceFilter: "a**" }] }))).toEqual({
      "scopes.0.resourceFilter": 'Segment "a**" mixes a wildcard with other characters; use * or ** as a whole segment',
    });
  });

  it("normalises the changes", () => {
    const parsed = editKey.parse({
      keyId: KEY_ID,
      name: " New name ",
      description: "",
      expiry: { preset: "never" },
      scopes: [{ action: "*", resourceFilter: "**" }],
      cidrs: ["10.0.0.0/8", "10.1.0.0/16"],
    });
    expect(normalizeEditKeyInput(parsed, now)).toEqual({
      keyId: KEY_ID,
      changes: {
        name: "New name",
        description: "",
        expiresAt: null,
        scopes: [{ action: "*", resourceFilter: "" }],
        cidrs: ["10.0.0.0/8", "10.1.0.0/16"],
      },
      warnings: [
        "This key never expires; consider setting an expiry date",
        "This key has full access: any action on all resources",
        "10.1.0.0/16 is already covered by 10.0.0.0/8",
      ],
    });
    expect(normalizeEditKeyInput(editKey.parse({ keyId: KEY_ID, expiry: { preset: "30d" } }), now)).toEqual({
      keyId: KEY_ID,
      changes: { expiresAt: new Date("2025-07-01T12:00:00.000Z") },
      warnings: [],
    });
  });
});

describe("rotateKeySchema", () => {
  it("takes a grace period", () => {
    expect(rotateKeySchema.parse({ keyId: KEY_ID, grace: "24h" })).toEqual({ keyId: KEY_ID, grace: "24h" });
    expect(issues(rotateKeySchema.safeParse({ keyId: KEY_ID, grace: "2d" }))).toEqual({
      grace: "Choose how long the old secret keeps working",
    });
  });

  it("exports the grace periods with durations", () => {
    expect(GRACE_PERIODS.map((g) => [g.value, g.ms])).toEqual([
      ["none", 0],
      ["1h", 3_600_000],
      ["24h", 86_400_000],
      ["7d", 604_800_000],
    ]);
    expect(GRACE_PERIODS.filter((g) => g.default).map((g) => g.value)).toEqual(["24h"]);
    expect(graceMs("7d")).toBe(604_800_000);
    expect(graceMs("bogus" as "none")).toBe(0);
  });
});

describe("revokeKeySchema", () => {
  it("shapes the request", () => {
    expect(revokeKeySchema.parse({ keyId: KEY_ID, confirmName: " CI deploys ", reason: " leaked " })).toEqual({
      keyId: KEY_ID,
      confirmName: "CI deploys",
      reason: "leaked",
    });
    expect(issues(revokeKeySchema.safeParse({ keyId: KEY_ID, confirmName: "" }))).toEqual({
      confirmName: "Type the key's name to confirm",
    });
    expect(issues(revokeKeySchema.safeParse({ keyId: KEY_ID, confirmName: "n".repeat(10_000) }))).toEqual({
      confirmName: "That doesn't match the key's name",
    });
    expect(issues(revokeKeySchema.safeParse({ keyId: KEY_ID, confirmName: "x", reason: "r".repeat(501) }))).toEqual({
      reason: "Keep the reason to 500 characters or fewer",
    });
  });

  it("confirmNameMatches is exact up to trimming and normalisation", () => {
    expect(confirmNameMatches(" Café ", "Cafe\u0301")).toBe(true);
    expect(confirmNameMatches("ci deploys", "CI deploys")).toBe(false);
  });
});

describe("keyIdSchema", () => {
  it.each([
    [KEY_ID, true],
    ["key_short", false],
    ["org_ABCDEFGHIJ0123456789", false],
    [`${KEY_ID}x`, false],
    ["key_ABCDEFGHIJ012345678-", false],
  ])("%s → %s", (id, ok) => {
    expect(keyIdSchema.safeParse(id).success).toBe(ok);
  });

  it("rejects 10k characters quickly", () => {
    const started = performance.now();
    expect(keyIdSchema.safeParse(`key_${"a".repeat(10_000)}`).success).toBe(false);
    expect(performance.now() - started).toBeLessThan(250);
  });
});

describe("bulkRevokeSchema", () => {
  it("needs the exact phrase for the number of keys", () => {
    expect(bulkRevokePhrase(3)).toBe("revoke 3 keys");
    expect(bulkRevokePhrase(1)).toBe("revoke 1 key");
    expect(bulkRevokeSchema.parse({ keyIds: [KEY_ID, OTHER_ID], confirmation: "revoke 2 keys" })).toEqual({
      keyIds: [KEY_ID, OTHER_ID],
      confirmation: "revoke 2 keys",
    });
    expect(bulkRevokeSchema.safeParse({ keyIds: [KEY_ID, OTHER_ID], confirmation: " Revoke  2 KEYS " }).success).toBe(true);
    expect(issues(bulkRevokeSchema.safeParse({ keyIds: [KEY_ID, OTHER_ID], confirmation: "revoke 3 keys" }))).toEqual({
      confirmation: 'Type "revoke 2 keys" to confirm',
    });
    expect(issues(bulkRevokeSchema.safeParse({ keyIds: [KEY_ID], confirmation: "x".repeat(10_000) }))).toEqual({
      confirmation: "That doesn't match the confirmation phrase",
    });
  });

  it("checks the selection", () => {
    expect(issues(bulkRevokeSchema.safeParse({ keyIds: [], confirmation: "revoke 0 keys" }))).toEqual({
      keyIds: "Select at least one key",
    });
    expect(issues(bulkRevokeSchema.safeParse({ keyIds: [KEY_ID, "bad"], confirmation: "revoke 2 keys" }))).toEqual({
      "keyIds.1": "That is not a valid key id",
    });
    expect(issues(bulkRevokeSchema.safeParse({ keyIds: [KEY_ID, KEY_ID], confirmation: "revoke 2 keys" }))).toEqual({
      "keyIds.1": "This key is selected twice",
    });
    const many = Array.from({ length: 101 }, (_, i) => `key_${String(i).padStart(20, "0")}`);
    expect(issues(bulkRevokeSchema.safeParse({ keyIds: many, confirmation: "revoke 101 keys" }))).toEqual({
      keyIds: "You can revoke at most 100 keys at once",
    });
  });
});

describe("owner, tags and meta", () => {
  const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
    result.error?.issues.map((issue) => issue.message) ?? [];

  it("takes meta as an object (API) or its JSON text (form), stored compact; blank means {}", () => {
    expect(metaSchema.parse({ plan: "pro", n: 1 })).toBe('{"plan":"pro","n":1}');
    expect(metaSchema.parse(' {\n "plan": "pro" } ')).toBe('{"plan":"pro"}');
    expect(metaSchema.parse("")).toBe("{}");
  });

  it("refuses meta that is not a JSON object, with the field's own message", () => {
    for (const bad of ["[1,2]", "42", '"text"', "null", "{not json", [1], 42, null, true]) {
      const result = metaSchema.safeParse(bad);
      expect(result.success, JSON.stringify(bad)).toBe(false);
      expect(messages(result).join(" "), JSON.stringify(bad)).toContain(META_NOT_OBJECT);
    }
  });

  it("refuses meta over 4 KB of JSON, and accepts it at exactly 4 KB", () => {
    const at = (bytes: number) => ({ v: "x".repeat(bytes - '{"v":""}'.length) });
    expect(metaSchema.safeParse(at(META_MAX_BYTES)).success).toBe(true);
    expect(messages(metaSchema.safeParse(at(META_MAX_BYTES + 1)))[0]).toMatch(/limited to 4096 bytes/);
    // Bytes, not characters: 2,000 "é" are 4,000 bytes of UTF-8 plus the braces.
    expect(metaSchema.safeParse({ v: "é".repeat(2100) }).success).toBe(false);
  });

  it("refuses a Keyward secret anywhere inside meta, sent as an object", () => {
    const secret = generateSecret({ prefix: "kw", env: "live" }).secret;
    expect(messages(metaSchema.safeParse({ deep: { token: secret } }))).toContain(SECRET_IN_TEXT);
  });

  it("splits a form's tag text, lowercases, dedupes and sorts; refuses bad tags and more than 10", () => {
    expect(tagsSchema.parse("Prod, billing  prod")).toEqual(["billing", "prod"]);
    expect(tagsSchema.parse(["team:payments", "v1.2", "a_b-c"])).toEqual(["a_b-c", "team:payments", "v1.2"]);
    expect(tagsSchema.safeParse(["has space"]).success).toBe(false);
    expect(tagsSchema.safeParse(["-leading"]).success).toBe(false);
    expect(tagsSchema.safeParse(["x".repeat(TAG_MAX + 1)]).success).toBe(false);
    expect(tagsSchema.safeParse(Array.from({ length: MAX_TAGS + 1 }, (_, i) => `t${i}`)).success).toBe(false);
    expect(tagsSchema.safeParse(Array.from({ length: MAX_TAGS }, (_, i) => `t${i}`)).success).toBe(true);
  });

  it("keeps the owner as trimmed text; blank becomes no owner when normalized", () => {
    const parsed = createKeySchema.parse({
      name: "n",
      expiry: { preset: "30d" },
      scopes: [{ action: "read", resourceFilter: "" }],
      owner: "  ",
    });
    expect(normalizeCreateKeyInput(parsed, new Date()).owner).toBeNull();
    expect(ownerSchema.safeParse("a\u202eb").success).toBe(false);
    expect(ownerSchema.safeParse("x".repeat(OWNER_MAX + 1)).success).toBe(false);
  });
});
