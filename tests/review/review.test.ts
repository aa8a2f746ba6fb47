import { describe, expect, it } from "vitest";
import { findLeakedKeys } from "@/lib/api-keys/find-leaked";
import { revokeKeyById } from "@/lib/api-keys/revoke-key";
import { runAction } from "@/lib/actions/run-action";
import { generateSecret } from "@/lib/keys";
import { DENIALS_24H_THRESHOLD, getRiskyKeys, riskReasons, type KeyRiskInput } from "@/lib/queries/review";
import { hourOf } from "@/lib/usage/rollup";
import { saveTier } from "@/lib/ratelimits/tiers";
import { tierSchema } from "@/lib/validations/ratelimits";
import { LEAK_TEXT_MAX, scanLeakedTextSchema } from "@/lib/validations/review";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";

const { db } = await setUpTestDb();
const DAY = 24 * 3_600_000;
const noPolicy: Parameters<typeof riskReasons>[1] = {
  policyRequireExpiry: false,
  policyMaxLifetimeDays: null,
  policyForbidWildcardCidr: false,
  policyForbidFullAccess: false,
  policyRequireOwner: false,
  policyRequireRateLimit: false,
};
const NOW = new Date("2026-03-10T12:00:00Z");
const base: KeyRiskInput = {
  expiresAt: new Date(NOW.getTime() + 30 * DAY),
  createdAt: new Date(NOW.getTime() - 5 * DAY),
  lastUsedAt: NOW,
  scopes: [{ action: "read", resourceFilter: "a/**" }],
  cidrs: ["10.0.0.0/8"],
  owner: null,
  rateLimited: false,
  denials24h: 0,
};
const codes = (input: Partial<KeyRiskInput>, policy = noPolicy) => riskReasons({ ...base, ...input }, policy, NOW).map((r) => r.code);

describe("risk rules", () => {
  it("flags each rule on its own, and nothing for a tidy key", () => {
    expect(codes({})).toEqual([]);
    expect(codes({ expiresAt: null })).toEqual(["never_expires"]);
    expect(codes({ cidrs: ["0.0.0.0/0"] })).toEqual(["internet_ipv4"]);
    expect(codes({ cidrs: ["10.0.0.0/8", "::/0"] })).toEqual(["internet_ipv6"]);
    expect(codes({ cidrs: [] })).toEqual(["internet_ipv4", "internet_ipv6"]);
    // Ranges that add up to a whole family are as open as a /0.
    expect(codes({ cidrs: ["0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8"] })).toEqual(["internet_ipv4"]);
    expect(codes({ cidrs: ["10.0.0.0/8", "::/1", "8000::/1"] })).toEqual(["internet_ipv6"]);
    expect(codes({ scopes: [{ action: "*", resourceFilter: "" }] })).toEqual(["full_access"]);
    expect(codes({ lastUsedAt: new Date(NOW.getTime() - 90 * DAY) })).toEqual(["unused"]);
    expect(codes({ lastUsedAt: new Date(NOW.getTime() - 89 * DAY) })).toEqual([]);
    expect(codes({ lastUsedAt: null, createdAt: new Date(NOW.getTime() - 30 * DAY) })).toEqual(["never_used"]);
    expect(codes({ lastUsedAt: null, createdAt: new Date(NOW.getTime() - 29 * DAY) })).toEqual([]);
    expect(codes({ denials24h: DENIALS_24H_THRESHOLD - 1 })).toEqual([]);
    expect(codes({ denials24h: DENIALS_24H_THRESHOLD, expiresAt: null })).toEqual(["denials_24h", "never_expires"]);
  });

  it("reports the organization's current key policy, lifetime counted from creation", () => {
    const policy = { ...noPolicy, policyMaxLifetimeDays: 30, policyForbidFullAccess: true };
    expect(codes({ expiresAt: new Date(base.createdAt.getTime() + 60 * DAY) }, policy)).toEqual(["policy"]);
    expect(
      codes({ scopes: [{ action: "*", resourceFilter: "" }], expiresAt: new Date(base.createdAt.getTime() + 20 * DAY) }, policy),
    ).toEqual(["policy", "full_access"]);
  });
});

describe("getRiskyKeys", () => {
  it("lists working keys with reasons, counts denials of the last 24 h from rollups, skips revoked keys and other orgs", async () => {
    const org = await createOrg(db, { name: "Review" });
    const other = await createOrg(db, { name: "Elsewhere" });
    const now = new Date();
    const tidy = await makeKey(db, org.actor, { name: "Tidy", cidrs: ["10.0.0.0/8"] });
    await db.apiKey.update({ where: { id: tidy.key.id }, data: { lastUsedAt: now } });
    const probed = await makeKey(db, org.actor, { name: "Probed", cidrs: ["10.0.0.0/8"] });
    await db.apiKey.update({ where: { id: probed.key.id }, data: { lastUsedAt: now } });
    const open = await makeKey(db, org.actor, {
      name: "Open",
      expiry: { preset: "never" },
      scopes: [{ action: "*", resourceFilter: "" }],
      cidrs: [],
    });
    const gone = await makeKey(db, org.actor, { name: "Gone", expiry: { preset: "never" } });
    await revokeKeyById(db, org.actor, gone.key.id, undefined);
    await makeKey(db, other.actor, { name: "Not ours", expiry: { preset: "never" } });
    const hour = hourOf(now);
    await db.usageRollup.createMany({
      data: [
        { orgId: org.orgId, keyId: probed.key.id, hour, outcome: "IP_NOT_ALLOWED", count: 15 },
        { orgId: org.orgId, keyId: probed.key.id, hour: new Date(hour.getTime() - 3_600_000), outcome: "INSUFFICIENT_SCOPE", count: 6 },
        { orgId: org.orgId, keyId: probed.key.id, hour, outcome: "OK", count: 500 },
        // Older than 24 h: not counted.
        { orgId: org.orgId, keyId: tidy.key.id, hour: new Date(hour.getTime() - 30 * 3_600_000), outcome: "IP_NOT_ALLOWED", count: 99 },
      ],
    });
    const risky = await getRiskyKeys(db, org.orgId, now);
    expect(risky.map((k) => [k.name, k.reasons.map((r) => r.code)])).toEqual([
      ["Probed", ["denials_24h"]],
      ["Open", ["full_access", "internet_ipv4", "internet_ipv6", "never_expires"]],
    ]);
    expect(risky[0].reasons[0].detail).toContain("21 denied requests");
    expect(risky.some((k) => k.id === open.key.id)).toBe(true);
  });

  it("lists keys without an owner or without a rate limit under those policy rules; a tier's limit counts", async () => {
    const org = await createOrg(db, { name: "Owned" });
    await saveTier(db, org.actor, tierSchema.parse({ name: "pro", rateLimits: "api=100/1m" }));
    await saveTier(db, org.actor, tierSchema.parse({ name: "credits", quota: 10 }));
    const now = new Date();
    const tidy = { cidrs: ["10.0.0.0/8"] };
    for (const [name, extra] of [
      ["Own limit", { owner: "team-a", rateLimits: "api=5/1s" }],
      ["On pro", { owner: "team-a", tier: "pro" }],
      ["Nobody's", { rateLimits: "api=5/1s" }],
      ["Unlimited", { owner: "team-a", tier: "credits", quota: 5 }],
    ] as const) {
      const made = await makeKey(db, org.actor, { name, ...tidy, ...extra });
      await db.apiKey.update({ where: { id: made.key.id }, data: { lastUsedAt: now } });
    }
    expect(await getRiskyKeys(db, org.orgId, now)).toEqual([]);
    await db.organization.update({ where: { id: org.orgId }, data: { policyRequireOwner: true, policyRequireRateLimit: true } });
    const risky = await getRiskyKeys(db, org.orgId, now);
    expect(risky.map((k) => [k.name, k.reasons.map((r) => r.detail)])).toEqual([
      ["Nobody's", [expect.stringMatching(/requires an owner/)]],
      ["Unlimited", [expect.stringMatching(/requires a rate limit/)]],
    ]);
  });
});

describe("leak scan", () => {
  it("finds this organization's keys by secret, counts foreign secrets, and revokes with source leak", async () => {
    const org = await createOrg(db, { name: "Leaky" });
    const other = await createOrg(db, { name: "Neighbour" });
    const mine = await makeKey(db, org.actor, { name: "Leaked one" });
    const theirs = await makeKey(db, other.actor, { name: "Theirs" });
    const random = generateSecret({ prefix: "kw", env: "live" }).secret;
    const text = `Authorization: Bearer ${mine.secret}\n{"k":"${theirs.secret}"} ${random} kw_live_notasecret`;
    const scan = await findLeakedKeys(db, org.orgId, text);
    expect(scan.matches.map((m) => m.key.name)).toEqual(["Leaked one"]);
    expect(scan.unknownCount).toBe(2);
    expect(JSON.stringify(scan)).not.toContain(mine.secret);

    expect((await revokeKeyById(db, org.actor, mine.key.id, "leak", new Date(), "leak")).outcome).toBe("revoked");
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: org.orgId, action: "key.revoked" } });
    expect(JSON.parse(audit.data)).toMatchObject({ source: "leak" });
    expect(audit.data).not.toContain(mine.secret);
    expect((await findLeakedKeys(db, org.orgId, text)).matches[0].key.status).toBe("revoked");
  });

  it("refuses empty or oversized text with a field error, before any lookup", async () => {
    const handler = async () => "ran";
    expect(await runAction(scanLeakedTextSchema, { text: "" }, handler)).toMatchObject({
      ok: false,
      code: "VALIDATION",
      fieldErrors: { text: expect.any(String) },
    });
    expect(await runAction(scanLeakedTextSchema, { text: "x".repeat(LEAK_TEXT_MAX + 1) }, handler)).toMatchObject({
      ok: false,
      code: "VALIDATION",
    });
    expect(await runAction(scanLeakedTextSchema, { text: "hello" }, handler)).toEqual({ ok: true, data: "ran" });
  });
});
