import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import type { Db } from "@/lib/db/client";
import { updateKeyPolicy } from "@/lib/orgs/key-policy";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { addMember, adminActor } from "../support/members";
import { request, seedApiOrg, seedKey } from "./helpers";

// Issue 13 points 3, 4, 4b, 5 and 6 over real HTTP, one server for the file: invalid text, literal search,
// whole-family CIDR unions, one 401 for every unauthenticated request, and refusals in the audit log.

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let acme: Awaited<ReturnType<typeof seedApiOrg>>;

const api = (secret: string | null, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  request(server.url, secret, method, path, body, headers);

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  acme = await seedApiOrg(db, { name: "Hardening" });
  server = await startKeyward({ databaseUrl: database.url });
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

const createBody = (patch: Record<string, unknown>) => ({
  name: `k-${Math.random().toString(36).slice(2, 10)}`,
  expiry: { preset: "30d" },
  scopes: [{ action: "read", resourceFilter: "" }],
  cidrs: ["10.0.0.0/8"],
  ...patch,
});

describe("invalid text (point 3)", () => {
  it('answers 422 with a field error for a description "a\\ud800b", on create and edit, and stores nothing', async () => {
    const before = await db.apiKey.count();
    // Raw JSON: the escape reaches the server as it would from any client.
    const raw = JSON.stringify(createBody({})).replace('"cidrs"', '"description":"a\\ud800b","cidrs"');
    const created = await api(acme.admin.secret, "POST", "/api/v1/keys", raw, { "content-type": "application/json" });
    expect(created.status, JSON.stringify(created.body)).toBe(422);
    expect(created.body.error.code).toBe("VALIDATION");
    expect(created.body.error.details.description).toMatch(/not valid text/);
    expect(await db.apiKey.count()).toBe(before);

    const key = await seedKey(db, acme.actor, { name: "Text target" });
    const edited = await api(acme.admin.secret, "PATCH", `/api/v1/keys/${key.id}`, '{"description":"x\\udc00","name":"ok\\u0000"}', {
      "content-type": "application/json",
    });
    expect(edited.status).toBe(422);
    expect(Object.keys(edited.body.error.details).sort()).toEqual(["description", "name"]);
    const revoke = await api(acme.admin.secret, "POST", `/api/v1/keys/${key.id}/revoke`, '{"reason":"\\ud83d"}', {
      "content-type": "application/json",
    });
    expect(revoke.status).toBe(422);
    expect(revoke.body.error.details.reason).toMatch(/not valid text/);
  });
});

describe("literal search (point 4)", () => {
  it("matches % and _ literally in GET /api/v1/keys?name= and the console's /keys?q=", async () => {
    for (const name of ["Search 100% done", "search_underscore", "searchXunderscore"]) await seedKey(db, acme.actor, { name });
    const names = async (query: string) =>
      (await api(acme.admin.secret, "GET", `/api/v1/keys?status=all&name=${encodeURIComponent(query)}`)).body.data.map(
        (k: { name: string }) => k.name,
      );
    expect(await names("%")).toEqual(["Search 100% done"]);
    expect(await names("h_u")).toEqual(["search_underscore"]);

    // The console pages lead to /setup until the install is set up.
    await db.installation.create({ data: { id: 1 } });
    const admin = await addMember(db, acme.orgId, "admin");
    const page = async (q: string) => {
      const response = await fetch(`${server.url}/keys?status=all&q=${encodeURIComponent(q)}`, {
        headers: { cookie: `${SESSION_COOKIE}=${admin.token}` },
        redirect: "manual",
      });
      expect(response.status).toBe(200);
      return response.text();
    };
    const percent = await page("%");
    expect(percent).toContain("Search 100% done");
    expect(percent).not.toContain("searchXunderscore");
    expect(percent).not.toContain("Key manager");
    const underscore = await page("_");
    expect(underscore).toContain("search_underscore");
    expect(underscore).not.toContain("searchXunderscore");
  });
});

describe("whole-family CIDR unions (point 4b)", () => {
  it("are refused under the policy on create (not 201) and edit (not 200); an over-long padded entry is refused", async () => {
    await updateKeyPolicy(db, adminActor(acme), {
      requireExpiry: false,
      maxLifetimeDays: null,
      forbidWildcardCidr: true,
      forbidFullAccess: false,
      requireOwner: false,
      requireRateLimit: false,
    });
    try {
      for (const cidrs of [
        ["0.0.0.0/1", "128.0.0.0/1"],
        ["::/1", "8000::/1"],
      ]) {
        const created = await api(acme.admin.secret, "POST", "/api/v1/keys", createBody({ cidrs }));
        expect(created.status, JSON.stringify(created.body)).toBe(422);
        expect(created.body.error.details.cidrs).toMatch(/forbids allowing every address/);
      }
      const key = await seedKey(db, acme.actor, { name: "Narrow", cidrs: ["10.0.0.0/8"] });
      const edited = await api(acme.admin.secret, "PATCH", `/api/v1/keys/${key.id}`, { cidrs: ["0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8"] });
      expect(edited.status).toBe(422);
      expect((await db.keyCidr.findMany({ where: { keyId: key.id } })).map((c) => c.cidr)).toEqual(["10.0.0.0/8"]);
    } finally {
      await updateKeyPolicy(db, adminActor(acme), {
        requireExpiry: false,
        maxLifetimeDays: null,
        forbidWildcardCidr: false,
        forbidFullAccess: false,
        requireOwner: false,
        requireRateLimit: false,
      });
    }
    const padded = await api(acme.admin.secret, "POST", "/api/v1/keys", createBody({ cidrs: [`${" ".repeat(4_000)}10.0.0.0/8`] }));
    expect(padded.status).toBe(422);
    expect(padded.body.error.details["cidrs.0"]).toMatch(/too long/);
  });
});

describe("one answer for every unauthenticated request (point 5)", () => {
  it("gives the same status, body and header whatever the reason, and the reason to the audit log and the key's usage", async () => {
    const revoked = await seedKey(db, acme.actor, { name: "Dead revoked", scopes: [{ action: "read", resourceFilter: "" }] });
    expect((await api(acme.admin.secret, "POST", `/api/v1/keys/${revoked.id}/revoke`, {})).status).toBe(200);
    const expired = await seedKey(db, acme.actor, { name: "Dead expired", scopes: [{ action: "read", resourceFilter: "" }] });
    await db.apiKey.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const rotated = await seedKey(db, acme.actor, { name: "Dead rotated", scopes: [{ action: "write", resourceFilter: "keys/**" }] });
    expect((await api(rotated.secret, "POST", `/api/v1/keys/${rotated.id}/rotate`, {})).status).toBe(200);
    const typo = acme.admin.secret.slice(0, -1) + (acme.admin.secret.endsWith("a") ? "b" : "a");

    const replies = [
      await api(null, "GET", "/api/v1/keys"),
      await api(null, "GET", "/api/v1/keys", undefined, { authorization: "Basic abc" }),
      await api(typo, "GET", "/api/v1/keys"),
      await api(revoked.secret, "GET", "/api/v1/keys"),
      await api(expired.secret, "GET", "/api/v1/keys"),
      await api(rotated.secret, "GET", "/api/v1/keys"),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(401);
      expect(reply.body).toEqual(replies[0].body);
      expect(reply.headers.get("www-authenticate")).toBe(replies[0].headers.get("www-authenticate"));
    }
    expect(JSON.stringify(replies[0].body)).not.toMatch(/revoked|expired|rotat/i);

    const refusals = await db.auditEvent.findMany({ where: { orgId: acme.orgId, action: "api.request_refused", outcome: "denied" } });
    const reasons = Object.fromEntries(refusals.map((e) => [e.actorId, JSON.parse(e.data).reason]));
    expect(reasons).toMatchObject({ [revoked.id]: "REVOKED", [expired.id]: "EXPIRED", [rotated.id]: "EXPIRED" });
    const usage = await db.usageEvent.findMany({ where: { keyId: { in: [revoked.id, expired.id] } } });
    expect(usage.map((u) => [u.keyId, u.outcome, u.action, u.resource]).sort()).toEqual(
      [
        [revoked.id, "REVOKED", "read", "keys"],
        [expired.id, "EXPIRED", "read", "keys"],
      ].sort(),
    );
  });
});

describe("refused API calls are audited (point 6)", () => {
  it("records a missing scope with actor, permission and target, collapsing identical ones of a minute", async () => {
    const reader = await seedKey(db, acme.actor, { name: "Reader script", scopes: [{ action: "read", resourceFilter: "keys/**" }] });
    const target = await seedKey(db, acme.actor, { name: "Revoke target" });
    for (let i = 0; i < 3; i++) expect((await api(reader.secret, "POST", `/api/v1/keys/${target.id}/revoke`, {})).status).toBe(403);
    const rows = await db.auditEvent.findMany({ where: { orgId: acme.orgId, actorId: reader.id, action: "api.request_refused" } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "denied", actorType: "key", targetType: "key", targetId: target.id });
    expect(JSON.parse(rows[0].data)).toMatchObject({ reason: "INSUFFICIENT_SCOPE", permission: `admin on keys/${target.id}`, count: 1 });
  });

  it("records a request for another organization's key (answered 404) as a refusal", async () => {
    const other = await seedApiOrg(db, { name: "Other org" });
    const theirs = await seedKey(db, other.actor, { name: "Their key" });
    const reply = await api(acme.admin.secret, "GET", `/api/v1/keys/${theirs.id}`);
    expect(reply.status).toBe(404);
    const [row] = await db.auditEvent.findMany({ where: { orgId: acme.orgId, actorId: acme.admin.id, action: "api.request_refused" } });
    expect(row).toMatchObject({ outcome: "denied", targetType: "key", targetId: theirs.id });
    expect(JSON.parse(row.data)).toMatchObject({ reason: "NOT_FOUND", permission: `read on keys/${theirs.id}` });
    expect(await db.auditEvent.count({ where: { orgId: other.orgId, action: "api.request_refused" } })).toBe(0);
  });

  // Last in the file: it stops the server.
  it("writes the repeats still collapsed in memory when the server stops (SIGTERM)", async () => {
    const reader = await seedKey(db, acme.actor, { name: "Shutdown reader", scopes: [{ action: "read", resourceFilter: "keys/**" }] });
    const target = await seedKey(db, acme.actor, { name: "Shutdown target" });
    for (let i = 0; i < 3; i++) expect((await api(reader.secret, "POST", `/api/v1/keys/${target.id}/revoke`, {})).status).toBe(403);
    await server.stop();
    const rows = await db.auditEvent.findMany({ where: { orgId: acme.orgId, actorId: reader.id, action: "api.request_refused" } });
    expect(rows.reduce((sum, row) => sum + (JSON.parse(row.data) as { count: number }).count, 0)).toBe(3);
  });
});
