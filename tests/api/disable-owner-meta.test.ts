// Disable/enable and owner, tags and meta through the management API and the verify endpoint of one running
// server (the custom server in front of the built Next app), on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { generateSecret } from "@/lib/keys";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { request, seedApiOrg, seedKey } from "./helpers";

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let acme: Awaited<ReturnType<typeof seedApiOrg>>;
let readOnly: Awaited<ReturnType<typeof seedKey>>;

const api = (secret: string | null, method: string, path: string, body?: unknown) => request(server.url, secret, method, path, body);
const admin = (method: string, path: string, body?: unknown) => api(acme.admin.secret, method, path, body);
const verify = (key: string, extra: Record<string, string> = {}) => api(null, "POST", "/api/v1/keys/verify", { key, ...extra });
const codeOf = async (key: string) => {
  const reply = await verify(key);
  return reply.body.valid ? "OK" : reply.body.code;
};

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  acme = await seedApiOrg(db);
  readOnly = await seedKey(db, acme.actor, { name: "Auditor script", scopes: [{ action: "read", resourceFilter: "keys/**" }] });
  server = await startKeyward({ databaseUrl: database.url });
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

const create = (extra: Record<string, unknown>) =>
  admin("POST", "/api/v1/keys", {
    name: `k-${Math.random().toString(36).slice(2, 10)}`,
    expiry: { preset: "30d" },
    scopes: [{ action: "read", resourceFilter: "projects/**" }],
    ...extra,
  });

describe("owner, tags and meta", () => {
  it("are accepted on create, returned by the API, and returned by every successful verification", async () => {
    const created = await create({ owner: "cus_4242", tags: ["billing", "prod"], meta: { plan: "pro", seats: 5 } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.key).toMatchObject({
      owner: "cus_4242",
      tags: ["billing", "prod"],
      meta: { plan: "pro", seats: 5 },
      enabled: true,
    });
    const verified = await verify(created.body.secret, { action: "read", resource: "projects/web" });
    expect(verified.body).toEqual({
      valid: true,
      keyId: created.body.key.id,
      name: created.body.key.name,
      scopes: [{ action: "read", resourceFilter: "projects/**" }],
      expiresAt: created.body.key.expiresAt,
      owner: "cus_4242",
      tags: ["billing", "prod"],
      meta: { plan: "pro", seats: 5 },
      ratelimits: [],
      quota: null,
    });
    const listed = await admin("GET", "/api/v1/keys?tag=billing&owner=cus_4242");
    expect(listed.body.data.map((k: { id: string }) => k.id)).toEqual([created.body.key.id]);
  });

  it("refuses meta that is not a JSON object or is over 4 KB, or holds a secret, with 422 VALIDATION on `meta`, creating nothing", async () => {
    const before = await db.apiKey.count();
    const secret = generateSecret({ prefix: "kw", env: "live" }).secret;
    for (const meta of [[1, 2], "not json", 42, null, { big: "x".repeat(4100) }, { token: secret }]) {
      const reply = await create({ meta });
      expect(reply.status, JSON.stringify(meta).slice(0, 40)).toBe(422);
      expect(reply.body.error.code).toBe("VALIDATION");
      expect(reply.body.error.details).toHaveProperty("meta");
      expect(JSON.stringify(reply.body)).not.toContain(secret);
    }
    const badTags = await create({ tags: ["Has Space"] });
    expect(badTags.status).toBe(422);
    expect(badTags.body.error.details).toHaveProperty(["tags.0"]);
    expect(await db.apiKey.count()).toBe(before);
  });

  it("PATCH changes them, and a bad meta changes nothing at all", async () => {
    const created = await create({ owner: "team-a", tags: ["a"], meta: { v: 1 } });
    const id = created.body.key.id;
    const bad = await admin("PATCH", `/api/v1/keys/${id}`, { owner: "team-b", meta: [1] });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toHaveProperty("meta");
    expect((await admin("GET", `/api/v1/keys/${id}`)).body.key).toMatchObject({ owner: "team-a", tags: ["a"], meta: { v: 1 } });
    const good = await admin("PATCH", `/api/v1/keys/${id}`, { owner: "team-b", tags: ["b", "c"], meta: { v: 2 } });
    expect(good.status).toBe(200);
    expect((await verify(created.body.secret)).body).toMatchObject({ owner: "team-b", tags: ["b", "c"], meta: { v: 2 } });
  });
});

describe("disable and enable", () => {
  it("verify answers DISABLED on the very next request after POST /disable and valid again after POST /enable; both audited", async () => {
    const created = await create({});
    const { id } = created.body.key;
    const secret: string = created.body.secret;
    expect(await codeOf(secret)).toBe("OK");
    const disabled = await admin("POST", `/api/v1/keys/${id}/disable`);
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(disabled.body.key).toMatchObject({ enabled: false, status: "active", disabledBy: expect.stringContaining("Key manager") });
    expect((await verify(secret)).body).toEqual({ valid: false, code: "DISABLED", keyId: id });
    expect((await admin("POST", `/api/v1/keys/${id}/disable`)).status).toBe(409);
    const enabled = await admin("POST", `/api/v1/keys/${id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.body.key).toMatchObject({ enabled: true, disabledAt: null });
    expect(await codeOf(secret)).toBe("OK");
    expect((await admin("POST", `/api/v1/keys/${id}/enable`)).status).toBe(409);
    const audit = await db.auditEvent.findMany({
      where: { targetId: id, action: { in: ["key.disabled", "key.enabled"] } },
      orderBy: { id: "asc" },
    });
    expect(audit.map((a) => [a.action, JSON.parse(a.data ?? "{}").source])).toEqual([
      ["key.disabled", "api"],
      ["key.enabled", "api"],
    ]);
  });

  it("a disabled key's verifications are recorded as DISABLED denials and never count as a use", async () => {
    const created = await create({});
    const { id } = created.body.key;
    await admin("POST", `/api/v1/keys/${id}/disable`);
    for (let i = 0; i < 3; i++) expect(await codeOf(created.body.secret)).toBe("DISABLED");
    const deadline = Date.now() + 5000;
    let outcomes: string[] = [];
    while (Date.now() < deadline) {
      outcomes = (await db.usageEvent.findMany({ where: { keyId: id } })).map((e) => e.outcome);
      if (outcomes.length >= 3) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(outcomes).toEqual(["DISABLED", "DISABLED", "DISABLED"]);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).toBeNull();
  });

  it("needs admin on the key (403 for a read-only key), and a disabled key cannot call the API (401, reason DISABLED audited)", async () => {
    const created = await create({});
    expect((await api(readOnly.secret, "POST", `/api/v1/keys/${created.body.key.id}/disable`)).status).toBe(403);
    const manager = await create({ scopes: [{ action: "read", resourceFilter: "keys/**" }] });
    expect((await api(manager.body.secret, "GET", "/api/v1/keys")).status).toBe(200);
    await admin("POST", `/api/v1/keys/${manager.body.key.id}/disable`);
    const refused = await api(manager.body.secret, "GET", "/api/v1/keys");
    expect(refused.status).toBe(401);
    const row = await db.auditEvent.findFirstOrThrow({ where: { action: "api.request_refused", actorId: manager.body.key.id } });
    expect(JSON.parse(row.data ?? "{}")).toMatchObject({ reason: "DISABLED" });
  });
});
