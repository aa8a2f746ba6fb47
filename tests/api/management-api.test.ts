import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import openapiTS, { astToString } from "openapi-typescript";
import { verifyDeniedSchema, verifyErrorSchema, verifyResponseSchema, verifyValidSchema } from "@/lib/api/verify-document";
import type { Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { HOUR_MS, roomInWindow } from "../support/windows";
import { request, seedApiOrg, seedKey } from "./helpers";

// The management API over real HTTP: the custom server in front of the built Next app, on a real database.

const RATE_LIMIT = 60;
let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let acme: Awaited<ReturnType<typeof seedApiOrg>>;
let other: Awaited<ReturnType<typeof seedApiOrg>>;
let readOnly: Awaited<ReturnType<typeof seedKey>>;

const api = (secret: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  request(server.url, secret, method, path, body, headers);

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  acme = await seedApiOrg(db);
  other = await seedApiOrg(db, { name: "Other" });
  readOnly = await seedKey(db, acme.actor, { name: "Auditor script", scopes: [{ action: "read", resourceFilter: "keys/**" }] });
  server = await startKeyward({ databaseUrl: database.url, env: { KEYWARD_API_RATE_LIMIT: String(RATE_LIMIT) } });
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

function expectError(reply: { status: number; body: unknown }, status: number, code: string) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.body).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe("authentication (401 UNAUTHORIZED)", () => {
  it("refuses a missing, malformed or unknown key", async () => {
    expectError(await api(null, "GET", "/api/v1/keys"), 401, "UNAUTHORIZED");
    expectError(await api(null, "GET", "/api/v1/keys", undefined, { authorization: "Basic abc" }), 401, "UNAUTHORIZED");
    const typo = acme.admin.secret.slice(0, -1) + (acme.admin.secret.endsWith("a") ? "b" : "a");
    const reply = await api(typo, "GET", "/api/v1/keys");
    expectError(reply, 401, "UNAUTHORIZED");
    expect(reply.headers.get("www-authenticate")).toMatch(/^Bearer/);
  });

  it("refuses a revoked key, an expired key and a secret replaced by rotation", async () => {
    const revoked = await seedKey(db, acme.actor, { name: "Soon revoked", scopes: [{ action: "read", resourceFilter: "" }] });
    expect((await api(acme.admin.secret, "POST", `/api/v1/keys/${revoked.id}/revoke`)).status).toBe(200);
    // One answer for every unauthenticated request: it does not say the secret once was real.
    const unknown = (await api("kw_live_not-a-key", "GET", "/api/v1/keys")).body;
    expect((await api(revoked.secret, "GET", "/api/v1/keys")).body).toEqual(unknown);

    const expired = await seedKey(db, acme.actor, { name: "Expired", scopes: [{ action: "read", resourceFilter: "" }] });
    await db.apiKey.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expiredReply = await api(expired.secret, "GET", "/api/v1/keys");
    expectError(expiredReply, 401, "UNAUTHORIZED");
    expect(expiredReply.body).toEqual(unknown);

    const rotated = await seedKey(db, acme.actor, { name: "Rotated", scopes: [{ action: "write", resourceFilter: "keys/**" }] });
    const rotation = await api(rotated.secret, "POST", `/api/v1/keys/${rotated.id}/rotate`, {});
    expect(rotation.status).toBe(200);
    expectError(await api(rotated.secret, "GET", "/api/v1/keys"), 401, "UNAUTHORIZED");
    expect((await api(rotation.body.secret, "GET", "/api/v1/keys")).status).toBe(200);
  });
});

describe("authorization (403 FORBIDDEN)", () => {
  it("refuses a read-only key revoking, naming the scope it needs, and changes nothing", async () => {
    const target = await seedKey(db, acme.actor, { name: "Keep me" });
    const reply = await api(readOnly.secret, "POST", `/api/v1/keys/${target.id}/revoke`, {});
    expectError(reply, 403, "FORBIDDEN");
    expect(reply.body.error.message).toBe(`Insufficient scope: needs admin on keys/${target.id}`);
    expect(reply.body.error.details).toMatchObject({ action: "admin", example: "admin:keys/**" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: target.id } })).revokedAt).toBeNull();

    const create = await api(readOnly.secret, "POST", "/api/v1/keys", {
      name: "Nope",
      expiry: { preset: "30d" },
      scopes: [{ action: "read", resourceFilter: "" }],
    });
    expectError(create, 403, "FORBIDDEN");
    expect(create.body.error.message).toBe("Insufficient scope: needs write on keys/**");
    const leaked = await api(readOnly.secret, "POST", "/api/v1/keys/revoke-leaked", { text: target.secret });
    expect(leaked.body.error.message).toBe("Insufficient scope: needs admin on keys/**");
  });

  it("refuses a key whose scopes cover other resources only", async () => {
    const projects = await seedKey(db, acme.actor, { name: "Projects only", scopes: [{ action: "*", resourceFilter: "projects/**" }] });
    expectError(await api(projects.secret, "GET", "/api/v1/keys"), 403, "FORBIDDEN");
  });

  it("refuses a key used from an address outside its allowed IPs", async () => {
    const office = await seedKey(db, acme.actor, {
      name: "Office only",
      scopes: [{ action: "read", resourceFilter: "keys/**" }],
      cidrs: ["198.51.100.0/24"],
    });
    const reply = await api(office.secret, "GET", "/api/v1/keys");
    expectError(reply, 403, "FORBIDDEN");
    expect(reply.body.error.message).toMatch(/not allowed from 127\.0\.0\.1/);
    // A client cannot claim another address: the server replaces the header it passes to Next.
    const spoofed = await api(office.secret, "GET", "/api/v1/keys", undefined, { "x-keyward-client-ip": "198.51.100.7" });
    expectError(spoofed, 403, "FORBIDDEN");
  });
});

describe("not found (404)", () => {
  it("answers 404 for another organization's key, exactly as for a missing one", async () => {
    const foreign = await seedKey(db, other.actor, { name: "Theirs" });
    for (const [method, path, body] of [
      ["GET", `/api/v1/keys/${foreign.id}`],
      ["PATCH", `/api/v1/keys/${foreign.id}`, { name: "Hijacked" }],
      ["POST", `/api/v1/keys/${foreign.id}/rotate`, {}],
      ["POST", `/api/v1/keys/${foreign.id}/revoke`, {}],
      ["GET", `/api/v1/keys/${foreign.id}/usage`],
      ["GET", "/api/v1/keys/key_00000000000000000000"],
      ["GET", "/api/v1/keys/not-a-key-id"],
    ] as const) {
      const reply = await api(acme.admin.secret, method, path, body);
      expectError(reply, 404, "NOT_FOUND");
      expect(reply.body.error.message).toBe("Key not found");
    }
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: foreign.id } });
    expect(row).toMatchObject({ name: "Theirs", revokedAt: null });
    expect(await db.keySecret.count({ where: { keyId: foreign.id } })).toBe(1);
  });

  it("does not list another organization's keys", async () => {
    const list = await api(acme.admin.secret, "GET", "/api/v1/keys?status=all&limit=100");
    expect(list.body.data.map((k: { name: string }) => k.name)).not.toContain("Theirs");
  });
});

describe("conflict (409) and validation (422)", () => {
  it("refuses a taken name with CONFLICT and writes nothing", async () => {
    await seedKey(db, acme.actor, { name: "Taken" });
    const before = await db.apiKey.count();
    const reply = await api(acme.admin.secret, "POST", "/api/v1/keys", {
      name: "Taken",
      expiry: { preset: "30d" },
      scopes: [{ action: "read", resourceFilter: "" }],
    });
    expectError(reply, 409, "CONFLICT");
    expect(reply.body.error.message).toBe("Key name taken");
    expect(await db.apiKey.count()).toBe(before);
  });

  it("returns per-field details from the shared schema", async () => {
    const reply = await api(acme.admin.secret, "POST", "/api/v1/keys", {
      name: "",
      expiry: { preset: "custom", customAt: "2001-01-01" },
      scopes: [{ action: "root", resourceFilter: "" }],
      cidrs: ["10.0.0.1/8"],
    });
    expectError(reply, 422, "VALIDATION");
    expect(Object.keys(reply.body.error.details).sort()).toEqual(["cidrs.0", "expiry.customAt", "name", "scopes.0.action"]);
    expect(reply.body.error.details["cidrs.0"]).toMatch(/10\.0\.0\.0\/8/);
  });

  it("refuses a key that breaks the organization's key policy, naming the rule, and writes nothing", async () => {
    // The other organization's policy, so this org's keys elsewhere in the file are unaffected.
    await db.organization.update({
      where: { id: other.actor.orgId },
      data: { policyRequireExpiry: true, policyMaxLifetimeDays: 30, policyForbidWildcardCidr: true, policyForbidFullAccess: true },
    });
    const ok = {
      name: "Policy probe",
      expiry: { preset: "30d" },
      scopes: [{ action: "read", resourceFilter: "" }],
      cidrs: ["203.0.113.0/24"],
    };
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ expiry: { preset: "never" } }, "expiry", /policy (requires an expiry|limits keys to 30 days)/],
      [{ expiry: { preset: "90d" } }, "expiry", /policy limits keys to 30 days/],
      [{ cidrs: ["0.0.0.0/0"] }, "cidrs", /policy forbids allowing every address/],
      [{ cidrs: [] }, "cidrs", /policy forbids allowing every address/],
      [{ scopes: [{ action: "*", resourceFilter: "" }] }, "scopes", /policy forbids full-access keys/],
    ];
    const before = await db.apiKey.count();
    for (const [change, field, rule] of cases) {
      const reply = await api(other.admin.secret, "POST", "/api/v1/keys", { ...ok, ...change });
      expectError(reply, 422, "VALIDATION");
      expect(reply.body.error.details[field]).toMatch(rule);
    }
    expect(await db.apiKey.count()).toBe(before);
    expect((await api(other.admin.secret, "POST", "/api/v1/keys", ok)).status).toBe(201);
    await db.organization.update({
      where: { id: other.actor.orgId },
      data: { policyRequireExpiry: false, policyMaxLifetimeDays: null, policyForbidWildcardCidr: false, policyForbidFullAccess: false },
    });
  });

  it("refuses bad JSON, bad query parameters and an invalid cursor", async () => {
    expectError(
      await api(acme.admin.secret, "POST", "/api/v1/keys", "{not json", { "content-type": "application/json" }),
      422,
      "VALIDATION",
    );
    const status = await api(acme.admin.secret, "GET", "/api/v1/keys?status=deleted&limit=1000");
    expectError(status, 422, "VALIDATION");
    expect(Object.keys(status.body.error.details).sort()).toEqual(["limit", "status"]);
    expectError(await api(acme.admin.secret, "GET", "/api/v1/keys?cursor=garbage!"), 422, "VALIDATION");
    expectError(await api(acme.admin.secret, "GET", `/api/v1/keys/${readOnly.id}/usage?days=365`), 422, "VALIDATION");
    expectError(await api(acme.admin.secret, "POST", `/api/v1/keys/${readOnly.id}/rotate`, { grace: "forever" }), 422, "VALIDATION");
  });
});

describe("rate limit (429) and internal errors (500)", () => {
  it("limits each key on its own with a token bucket", async () => {
    const busy = await seedKey(db, acme.actor, { name: "Busy script", scopes: [{ action: "read", resourceFilter: "keys/**" }] });
    const started = Date.now();
    const replies = await Promise.all(Array.from({ length: RATE_LIMIT + 15 }, () => api(busy.secret, "GET", `/api/v1/keys/${busy.id}`)));
    // The bucket refills RATE_LIMIT tokens a minute while the burst is answered (slowly on a loaded machine).
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * RATE_LIMIT);
    const limited = replies.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(replies.filter((r) => r.status === 200).length).toBeLessThanOrEqual(RATE_LIMIT + refilled + 1);
    expectError(limited[0], 429, "RATE_LIMITED");
    expect(Number(limited[0].headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another key is not affected.
    expect((await api(readOnly.secret, "GET", `/api/v1/keys/${busy.id}`)).status).toBe(200);
  });

  it("answers INTERNAL without details when the server fails, e.g. a signing secret it cannot open", async () => {
    const broken = await seedApiOrg(db, { name: "Broken", keyPrefix: "brk" });
    // What a database restored without its master key looks like: the sealed secret does not open.
    await db.organization.update({ where: { id: broken.orgId }, data: { signingSecretEnc: "v1.not-a-sealed-secret" } });
    const reply = await api(broken.admin.secret, "GET", "/api/v1/keys");
    expectError(reply, 500, "INTERNAL");
    expect(reply.body.error.details).toBeUndefined();
    expect(JSON.stringify(reply.body)).not.toContain(broken.admin.secret);
    expect(server.output()).not.toContain(broken.admin.secret);
  });
});

describe("the key lifecycle through the API", () => {
  // "reports usage per day" seeds this UTC day's hour and expects it as the server's last day: the day must not
  // turn between the two (the server runs on the real clock, so no instant can be given to it).
  beforeEach(() => roomInWindow(24 * HOUR_MS, 30_000), 35_000);

  it("creates (secret once), lists with a cursor, shows, updates, rotates with grace, revokes — all audited as the key", async () => {
    const created = await api(acme.admin.secret, "POST", "/api/v1/keys", {
      name: "Deploy bot",
      description: "deploys web",
      expiry: { preset: "90d" },
      scopes: [{ action: "write", resourceFilter: "deploys/*" }],
      cidrs: ["10.0.0.0/8"],
    });
    expect(created.status).toBe(201);
    const { secret, key } = created.body;
    expect(secret).toMatch(/^kw_live_[A-Za-z0-9]{38}$/);
    expect(key).toMatchObject({ name: "Deploy bot", status: "active", display: `kw_live_…${secret.slice(-4)}`, cidrs: ["10.0.0.0/8"] });

    const shown = await api(acme.admin.secret, "GET", `/api/v1/keys/${key.id}`);
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain(secret);

    const updated = await api(acme.admin.secret, "PATCH", `/api/v1/keys/${key.id}`, { name: "Deploy bot (web)", cidrs: [] });
    expect(updated.body.key).toMatchObject({ name: "Deploy bot (web)", cidrs: ["0.0.0.0/0", "::/0"] });
    expect(updated.body.warnings).toEqual(expect.any(Array));

    const rotated = await api(acme.admin.secret, "POST", `/api/v1/keys/${key.id}/rotate`, { grace: "1h" });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(secret);
    expect(new Date(rotated.body.previousSecretValidUntil).getTime()).toBeGreaterThan(Date.now() + 59 * 60_000);

    const revoked = await api(acme.admin.secret, "POST", `/api/v1/keys/${key.id}/revoke`, { reason: "replaced" });
    expect(revoked.body.key).toMatchObject({
      status: "revoked",
      revokeReason: "replaced",
      revokedBy: `Key manager (${acme.admin.display})`,
    });
    expectError(await api(acme.admin.secret, "POST", `/api/v1/keys/${key.id}/revoke`, {}), 409, "CONFLICT");
    expectError(await api(acme.admin.secret, "PATCH", `/api/v1/keys/${key.id}`, { name: "Again" }), 409, "CONFLICT");

    const audit = await db.auditEvent.findMany({ where: { targetId: key.id }, orderBy: { id: "asc" } });
    expect(audit.map((e) => e.action)).toEqual(["key.created", "key.updated", "key.rotated", "key.revoked"]);
    for (const event of audit) {
      expect(event).toMatchObject({
        actorType: "key",
        actorId: acme.admin.id,
        actorLabel: `Key manager (${acme.admin.display})`,
        ip: "127.0.0.1",
      });
      expect(event.data).not.toContain(secret);
      expect(event.data).not.toContain(rotated.body.secret);
    }
  });

  it("pages with a cursor that neither repeats nor skips keys, and filters by status, name and prefix", async () => {
    const paging = await seedApiOrg(db, { name: "Paging", keyPrefix: "pg" });
    const names = ["k1", "k2", "k3", "k4", "k5"];
    for (const name of names) await seedKey(db, paging.actor, { name });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { data: { name: string }[]; nextCursor: string | null } } = await api(
        paging.admin.secret,
        "GET",
        `/api/v1/keys?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
      );
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((k) => k.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...names, "Key manager"].sort());

    expect((await api(paging.admin.secret, "GET", "/api/v1/keys?name=K3")).body.data.map((k: { name: string }) => k.name)).toEqual(["k3"]);
    const prefix = await api(paging.admin.secret, "GET", `/api/v1/keys?prefix=${encodeURIComponent(paging.admin.display)}`);
    expect(prefix.body.data.map((k: { id: string }) => k.id)).toEqual([paging.admin.id]);
    expect((await api(paging.admin.secret, "GET", "/api/v1/keys?prefix=pg_live_")).body.data).toHaveLength(6);
    expect((await api(paging.admin.secret, "GET", "/api/v1/keys?status=revoked")).body.data).toHaveLength(0);
  });

  it("reports usage per day from the hourly rollups, with last use", async () => {
    const used = await seedKey(db, acme.actor, { name: "Busy service" });
    const now = new Date();
    const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    const twoDaysAgo = new Date(hour.getTime() - 2 * 86_400_000);
    await db.usageRollup.createMany({
      data: [
        { orgId: acme.orgId, keyId: used.id, hour, outcome: "OK", count: 40 },
        { orgId: acme.orgId, keyId: used.id, hour, outcome: "IP_NOT_ALLOWED", count: 2 },
        { orgId: acme.orgId, keyId: used.id, hour: twoDaysAgo, outcome: "OK", count: 18 },
        { orgId: acme.orgId, keyId: used.id, hour: new Date(hour.getTime() - 60 * 86_400_000), outcome: "OK", count: 999 },
      ],
    });
    await db.apiKey.update({
      where: { id: used.id },
      data: { lastUsedAt: now, lastUsedIp: "192.168.1.100", lastUsedUserAgent: "fluxloop-cli/1.2.3" },
    });
    const reply = await api(readOnly.secret, "GET", `/api/v1/keys/${used.id}/usage?days=30`);
    expect(reply.status).toBe(200);
    expect(reply.body.totals).toEqual({ requests: 60, allowed: 58, denied: 2, averagePerDay: 2 });
    expect(reply.body.byOutcome).toEqual({ OK: 58, IP_NOT_ALLOWED: 2 });
    expect(reply.body.daily).toHaveLength(30);
    expect(reply.body.daily.at(-1)).toEqual({ date: hour.toISOString().slice(0, 10), requests: 42, allowed: 40, denied: 2 });
    expect(reply.body.lastUsed).toEqual({ at: now.toISOString(), ip: "192.168.1.100", userAgent: "fluxloop-cli/1.2.3" });
  });

  it("revokes every key of the organization found in leaked text, JSON or text/plain, and only those", async () => {
    const leakedA = await seedKey(db, acme.actor, { name: "Leaked A" });
    const leakedB = await seedKey(db, acme.actor, { name: "Leaked B" });
    const foreign = await seedKey(db, other.actor, { name: "Foreign leaked" });
    const text = `deploy log\nAUTH=${leakedA.secret}\n{"token":"${foreign.secret}"}`;
    const dry = await api(acme.admin.secret, "POST", "/api/v1/keys/revoke-leaked", { text, dryRun: true });
    expect(dry.body).toMatchObject({ dryRun: true, revoked: [{ id: leakedA.id }], unknownCount: 1 });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: leakedA.id } })).revokedAt).toBeNull();

    const plain = await api(acme.admin.secret, "POST", "/api/v1/keys/revoke-leaked", `${text}\n${leakedB.secret}`, {
      "content-type": "text/plain",
    });
    expect(plain.status).toBe(200);
    expect(plain.body.revoked.map((k: { name: string }) => k.name)).toEqual(["Leaked A", "Leaked B"]);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: foreign.id } })).revokedAt).toBeNull();
    const again = await api(acme.admin.secret, "POST", "/api/v1/keys/revoke-leaked", { text });
    expect(again.body).toMatchObject({ revoked: [], alreadyRevoked: [{ id: leakedA.id }] });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: leakedA.id, action: "key.revoked" } });
    expect(JSON.parse(audit.data)).toMatchObject({ source: "leak" });
    expect(audit.data).not.toContain(leakedA.secret);
  });
});

describe("OpenAPI document", () => {
  it("is served without authentication and describes every endpoint with resolvable references", async () => {
    const reply = await api(null, "GET", "/api/v1/openapi.json");
    expect(reply.status).toBe(200);
    const doc = reply.body;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).sort()).toEqual([
      "/api/v1/keys",
      "/api/v1/keys/revoke-leaked",
      "/api/v1/keys/verify",
      "/api/v1/keys/{id}",
      "/api/v1/keys/{id}/disable",
      "/api/v1/keys/{id}/enable",
      "/api/v1/keys/{id}/revoke",
      "/api/v1/keys/{id}/rotate",
      "/api/v1/keys/{id}/usage",
      "/api/v1/secret-scanning/github",
      "/api/v1/tiers",
      "/api/v1/whoami",
    ]);
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref);
    expect(doc.paths["/api/v1/keys"].post.requestBody.content["application/json"].schema.required).toEqual(["name", "expiry", "scopes"]);
    expect(doc.paths["/api/v1/keys/{id}"].patch.requestBody.content["application/json"].schema.properties).not.toHaveProperty("keyId");
    expect(doc.paths["/api/v1/keys/{id}/revoke"].post["x-keyward-scope"]).toEqual({ action: "admin", resource: "keys/{id}" });
    expect(doc.paths["/api/v1/secret-scanning/github"].post.parameters.map((p: { name: string }) => p.name)).toEqual([
      "GitHub-Public-Key-Identifier",
      "GitHub-Public-Key-Signature",
    ]);
    expect(doc.paths["/api/v1/whoami"].get["x-keyward-scope"]).toEqual({ action: "read", resource: "keys/{the calling key's id}" });
  });

  it("lints clean with Redocly's recommended rules and generates a typed client with openapi-typescript", async () => {
    const reply = await api(null, "GET", "/api/v1/openapi.json");
    const source = JSON.stringify(reply.body);
    // Keyward has not chosen a license yet, so the document cannot name one.
    const config = await createConfig({ extends: ["recommended"], rules: { "info-license": "off" } });
    const problems = await lintFromString({ source, absoluteRef: "openapi.json", config });
    expect(problems.map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
    const client = astToString(await openapiTS(JSON.parse(source) as Parameters<typeof openapiTS>[0]));
    expect(client).toContain('"/api/v1/keys/verify": {');
    expect(client).toContain("VerifyDenied: {");
    expect(client).toContain("createKey: {");
  });

  it("documents the verify endpoint as it answers: valid, revoked, unknown, and a bad request", async () => {
    const doc = (await api(null, "GET", "/api/v1/openapi.json")).body;
    const verify = doc.paths["/api/v1/keys/verify"].post;
    expect(Object.keys(verify.responses).sort()).toEqual(["200", "400", "401", "403", "405", "413", "415", "500", "503"]);
    expect(verify.requestBody.content["application/json"].schema.properties.ip.description).toMatch(/admin on `keys\/verify`/);

    const live = await seedKey(db, acme.actor, { name: "Documented verify", scopes: [{ action: "read", resourceFilter: "docs/**" }] });
    const revoked = await seedKey(db, acme.actor, { name: "Documented revoked" });
    expect((await api(acme.admin.secret, "POST", `/api/v1/keys/${revoked.id}/revoke`, {})).status).toBe(200);

    const valid = await api(null, "POST", "/api/v1/keys/verify", { key: live.secret, action: "read", resource: "docs/a" });
    expect(verifyValidSchema.parse(valid.body)).toMatchObject({
      valid: true,
      keyId: live.id,
      name: "Documented verify",
      owner: null,
      tags: [],
      meta: {},
    });
    expect((await api(acme.admin.secret, "POST", `/api/v1/keys/${live.id}/disable`, {})).status).toBe(200);
    const disabled = await api(null, "POST", "/api/v1/keys/verify", { key: live.secret });
    expect(verifyDeniedSchema.parse(disabled.body)).toEqual({ valid: false, code: "DISABLED", keyId: live.id });
    expect(verify.description).toMatch(/revoked, expired, disabled, the client's address .* scopes/);
    const denied = await api(null, "POST", "/api/v1/keys/verify", { key: revoked.secret });
    expect(verifyDeniedSchema.parse(denied.body)).toEqual({ valid: false, code: "REVOKED", keyId: revoked.id });
    const unknown = await api(null, "POST", "/api/v1/keys/verify", { key: `${live.secret.slice(0, -6)}AAAAAA` });
    expect(verifyResponseSchema.parse(unknown.body)).toMatchObject({ valid: false });
    const bad = await api(null, "POST", "/api/v1/keys/verify", { key: 42 });
    expect(bad.status).toBe(400);
    expect(verifyErrorSchema.parse(bad.body).error.code).toBe("BAD_REQUEST");
  });
});
