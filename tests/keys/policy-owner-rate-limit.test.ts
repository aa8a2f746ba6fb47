// The key policy's "require an owner" and "require a rate limit" rules through the real entry points: the console's
// server actions (called over HTTP as the browser calls them, with a member's session) and the management API, on a
// running server. A refusal is a field error (422 VALIDATION over the API) naming the rule, changes no key and is
// audited as key.policy_refused; a tier with a limit satisfies the rate-limit rule, a tier with only a quota does not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { updateKeyPolicy } from "@/lib/orgs/key-policy";
import { saveTier } from "@/lib/ratelimits/tiers";
import { tierSchema } from "@/lib/validations/ratelimits";
import type { KeyPolicyInput } from "@/lib/validations/org-admin";
import { request, seedApiOrg, seedKey } from "../api/helpers";
import { builtActions, callAction, type BuiltAction } from "../permissions/http";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { addMember, adminActor } from "../support/members";

const NONE: KeyPolicyInput = {
  requireExpiry: false,
  maxLifetimeDays: null,
  forbidWildcardCidr: false,
  forbidFullAccess: false,
  requireOwner: false,
  requireRateLimit: false,
};
const BOTH: KeyPolicyInput = { ...NONE, requireOwner: true, requireRateLimit: true };

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let org: Awaited<ReturnType<typeof seedApiOrg>>;
let session: string;
let actions: BuiltAction[];

const api = (method: string, path: string, body?: unknown) => request(server.url, org.admin.secret, method, path, body);
const action = (name: string, input: unknown) => {
  const found = actions.find((a) => a.name === name);
  if (!found) throw new Error(`no built action ${name}`);
  return callAction(server.url, found, session, [input]);
};
type Refusal = { ok: false; code: string; error: string; fieldErrors?: Record<string, string> };

const key = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  expiry: { preset: "30d" },
  scopes: [{ action: "read", resourceFilter: "projects/**" }],
  ...extra,
});

async function policy(rules: KeyPolicyInput) {
  await updateKeyPolicy(db, adminActor(org), rules);
}

const keysOf = () => db.apiKey.count({ where: { orgId: org.orgId } });
const refusals = () => db.auditEvent.findMany({ where: { orgId: org.orgId, action: "key.policy_refused" }, orderBy: { id: "asc" } });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  org = await seedApiOrg(db);
  session = (await addMember(db, org.orgId, "admin")).token;
  await saveTier(db, org.actor, tierSchema.parse({ name: "pro", rateLimits: "api=100/1m" }));
  await saveTier(db, org.actor, tierSchema.parse({ name: "credits", quota: 500 }));
  server = await startKeyward({ databaseUrl: database.url, env: { KEYWARD_DISPATCH: "0" } });
  actions = builtActions();
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("require an owner / require a rate limit", () => {
  it("the console's create action refuses a key without an owner or without a rate limit, with the field error, and writes no key", async () => {
    await policy(BOTH);
    const before = await keysOf();
    const audited = (await refusals()).length;
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ rateLimits: "api=10/1s" }, "owner", /requires an owner/],
      [{ owner: "   ", rateLimits: "api=10/1s" }, "owner", /requires an owner/],
      [{ owner: "team-payments" }, "rateLimits", /requires a rate limit/],
      // A quota alone is not a rate limit, nor is a tier that only has a quota.
      [{ owner: "team-payments", quota: 100 }, "rateLimits", /requires a rate limit/],
      [{ owner: "team-payments", tier: "credits" }, "rateLimits", /requires a rate limit/],
    ];
    for (const [extra, field, message] of cases) {
      const reply = await action("createKeyAction", key("Refused", extra));
      const result = reply.result as Refusal | null;
      expect(result, reply.text.slice(0, 300)).toMatchObject({ ok: false, code: "VALIDATION" });
      expect(result?.fieldErrors?.[field]).toMatch(message);
    }
    expect(await keysOf()).toBe(before);
    // Audited like every refusal: the first of a kind at once, its repeats in the same minute collapsed into a count.
    const rows = (await refusals()).slice(audited);
    expect(rows.map((r) => [r.outcome, JSON.parse(r.data)])).toEqual([
      ["denied", { operation: "create", rules: ["owner"], count: 1 }],
      ["denied", { operation: "create", rules: ["rateLimits"], count: 1 }],
    ]);

    const own = await action("createKeyAction", key("Own limit", { owner: "team-payments", rateLimits: "api=10/1s" }));
    expect(own.result, own.text.slice(0, 300)).toMatchObject({ ok: true });
    const onTier = await action("createKeyAction", key("On pro", { owner: "cus_4242", tier: "pro" }));
    expect(onTier.result, onTier.text.slice(0, 300)).toMatchObject({ ok: true });
    expect(await keysOf()).toBe(before + 2);
  });

  it("the console's edit action refuses removing the owner or the last limit, and changes nothing", async () => {
    await policy(BOTH);
    const made = await seedKey(db, org.actor, { name: "Edited in console", owner: "team-a", rateLimits: "api=5/1s" });
    const row = () => db.apiKey.findUniqueOrThrow({ where: { id: made.id } });
    const before = await row();
    const noOwner = await action("editKeyAction", { keyId: made.id, owner: "" });
    expect((noOwner.result as Refusal | null)?.fieldErrors?.owner).toMatch(/requires an owner/);
    const noLimit = await action("editKeyAction", { keyId: made.id, rateLimits: "" });
    expect((noLimit.result as Refusal | null)?.fieldErrors?.rateLimits).toMatch(/requires a rate limit/);
    const quotaTier = await action("editKeyAction", { keyId: made.id, rateLimits: "", tier: "credits" });
    expect((quotaTier.result as Refusal | null)?.fieldErrors?.rateLimits).toMatch(/requires a rate limit/);
    expect(await row()).toEqual(before);
    // Its own limit replaced by a tier that has one: allowed.
    const toTier = await action("editKeyAction", { keyId: made.id, rateLimits: "", tier: "pro" });
    expect(toTier.result, toTier.text.slice(0, 300)).toMatchObject({ ok: true });
  });

  it("the API refuses create, update and rotate with 422 VALIDATION naming the field, and accepts a compliant key", async () => {
    await policy(NONE);
    const bare = await seedKey(db, org.actor, { name: "Made before the rules" });
    await policy(BOTH);
    const before = await keysOf();
    const created = [
      [await api("POST", "/api/v1/keys", key("API no owner", { rateLimits: [{ name: "api", limit: 10, duration: "1s" }] })), "owner"],
      [await api("POST", "/api/v1/keys", key("API no limit", { owner: "svc-billing" })), "rateLimits"],
      [await api("POST", "/api/v1/keys", key("API quota tier", { owner: "svc-billing", tier: "credits" })), "rateLimits"],
    ] as const;
    for (const [reply, field] of created) {
      expect(reply.status, JSON.stringify(reply.body)).toBe(422);
      expect(reply.body.error.code).toBe("VALIDATION");
      expect(Object.keys(reply.body.error.details)).toEqual([field]);
    }
    expect(await keysOf()).toBe(before);

    const patched = await api("PATCH", `/api/v1/keys/${bare.id}`, { owner: "svc-billing" });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const noLimit = await api("PATCH", `/api/v1/keys/${bare.id}`, { tier: "credits" });
    expect(noLimit.status).toBe(422);
    expect(noLimit.body.error.details.rateLimits).toMatch(/requires a rate limit/);
    // Rotation re-checks the whole policy, as for the other rules: the key still has no rate limit.
    const rotated = await api("POST", `/api/v1/keys/${bare.id}/rotate`, {});
    expect(rotated.status).toBe(422);
    expect(rotated.body.error.details.rateLimits).toMatch(/requires a rate limit/);
    expect((await refusals()).at(-1)).toMatchObject({ targetId: bare.id, outcome: "denied" });

    expect((await api("PATCH", `/api/v1/keys/${bare.id}`, { tier: "pro" })).status).toBe(200);
    expect((await api("POST", `/api/v1/keys/${bare.id}/rotate`, {})).status).toBe(200);
    const ok = await api("POST", "/api/v1/keys", key("API compliant", { owner: "svc-billing", tier: "pro" }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
  });

  it("with the rules off, keys without an owner or a limit are accepted by the action and the API", async () => {
    await policy(NONE);
    const viaAction = await action("createKeyAction", key("Free action"));
    expect(viaAction.result, viaAction.text.slice(0, 300)).toMatchObject({ ok: true });
    const viaApi = await api("POST", "/api/v1/keys", key("Free API"));
    expect(viaApi.status, JSON.stringify(viaApi.body)).toBe(201);
  });

  it("a tier keys rely on for their only limit keeps one while the rule is on", async () => {
    await policy(NONE);
    await api("POST", "/api/v1/tiers", { name: "team", rateLimits: [{ name: "api", limit: 50, duration: "10s" }] });
    await seedKey(db, org.actor, { name: "On team", owner: "team-b", tier: "team" });
    await policy(BOTH);
    const emptied = await api("POST", "/api/v1/tiers", { name: "team", rateLimits: [], quota: 10 });
    expect(emptied.status, JSON.stringify(emptied.body)).toBe(422);
    expect(emptied.body.error.details.rateLimits).toMatch(/1 key relies on this tier/);
    const tier = await db.rateLimitTier.findFirstOrThrow({ where: { orgId: org.orgId, name: "team" } });
    expect(JSON.parse(tier.rateLimits)).toHaveLength(1);
    expect(tier.quota).toBeNull();
    await policy(NONE);
    expect((await api("POST", "/api/v1/tiers", { name: "team", rateLimits: [], quota: 10 })).status).toBe(200);
  });
});
