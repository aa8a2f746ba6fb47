import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { editKey } from "@/lib/api-keys/edit-key";
import { revokeKey } from "@/lib/api-keys/revoke-key";
import { rotateKey } from "@/lib/api-keys/rotate-key";
import { generateSecret } from "@/lib/keys";
import { startVerifyServer, type VerifyServer } from "@/lib/verify/service";
import { editKeySchema, revokeKeySchema, rotateKeySchema } from "@/lib/validations/key";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { TestClock } from "./support/clock";
import { post, verify } from "./support/http";
import { newKey, sleep } from "./support/keys";

const { db, url } = await setUpTestDb();
// The server decides expiry and grace at this clock, which the test moves past an instant instead of sleeping
// until it: nothing then races the real clock on a loaded machine.
const clock = new TestClock();
let server: VerifyServer;
let v4: string;
let v6: string;
let org: Awaited<ReturnType<typeof createOrg>>;

beforeAll(async () => {
  org = await createOrg(db, { keyPrefix: "kw" });
  // Bound to both loopback families so the client address is 127.0.0.1 or ::1 depending on the URL used.
  server = await startVerifyServer({ db, url, hosts: ["127.0.0.1", "::1"], prune: false, clock: clock.now });
  [v4, v6] = server.urls;
});
afterAll(async () => {
  await server?.close();
});

describe("POST /api/v1/keys/verify", () => {
  it("answers a valid key with its id, name, scopes and expiry — never the secret — with security headers", async () => {
    const { key, secret } = await newKey(db, org.actor, { scopes: [{ action: "write", resourceFilter: "projects/web/**" }] });
    const res = await verify(v4, { key: secret, action: "read", resource: "projects/web/deploys" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      valid: true,
      keyId: key.id,
      name: key.name,
      scopes: [{ action: "write", resourceFilter: "projects/web/**" }],
      expiresAt: key.expiresAt,
      owner: null,
      tags: [],
      meta: {},
      ratelimits: [],
      quota: null,
    });
    expect(res.text).not.toContain(secret);
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("checks only validity when action and resource are omitted", async () => {
    const { secret } = await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "only/this" }] });
    expect((await verify(v4, { key: secret })).json.valid).toBe(true);
  });

  it("answers every denial code, with the key id where the key was found", async () => {
    const scoped = await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "projects/**" }] });
    const insufficient = await verify(v4, { key: scoped.secret, action: "write", resource: "projects/web" });
    expect(insufficient.json).toEqual({ valid: false, code: "INSUFFICIENT_SCOPE", keyId: scoped.key.id });
    const outside = await verify(v4, { key: scoped.secret, action: "read", resource: "billing/invoices" });
    expect(outside.json.code).toBe("INSUFFICIENT_SCOPE");

    const unknown = generateSecret({ prefix: "kw", env: "live" }).secret;
    expect((await verify(v4, { key: unknown })).json).toEqual({ valid: false, code: "NOT_FOUND" });
    const otherPrefix = generateSecret({ prefix: "zz", env: "live" }).secret;
    expect((await verify(v4, { key: otherPrefix })).json).toEqual({ valid: false, code: "NOT_FOUND" });

    // A typo breaks the checksum: answered without a lookup.
    const typo = scoped.secret.slice(0, -1) + (scoped.secret.endsWith("a") ? "b" : "a");
    expect((await verify(v4, { key: typo })).json).toEqual({ valid: false, code: "MALFORMED" });
    expect((await verify(v4, { key: "not-a-key" })).json).toEqual({ valid: false, code: "MALFORMED" });

    const walled = await newKey(db, org.actor, { cidrs: ["10.0.0.0/8"] });
    expect((await verify(v4, { key: walled.secret })).json).toEqual({ valid: false, code: "IP_NOT_ALLOWED", keyId: walled.key.id });

    const revoked = await newKey(db, org.actor);
    await revokeKey(db, org.actor, revokeKeySchema.parse({ keyId: revoked.key.id, confirmName: revoked.key.name }));
    expect((await verify(v4, { key: revoked.secret })).json).toEqual({ valid: false, code: "REVOKED", keyId: revoked.key.id });

    const expired = await newKey(db, org.actor);
    await db.apiKey.update({ where: { id: expired.key.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await verify(v4, { key: expired.secret })).json).toEqual({ valid: false, code: "EXPIRED", keyId: expired.key.id });
  });

  it("checks IPv4 and IPv6 clients against the key's allowed CIDRs", async () => {
    const v4Only = await newKey(db, org.actor, { cidrs: ["127.0.0.0/8"] });
    const v6Only = await newKey(db, org.actor, { cidrs: ["::1/128"] });
    const both = await newKey(db, org.actor, { cidrs: ["127.0.0.1/32", "::1/128"] });
    const neither = await newKey(db, org.actor, { cidrs: ["192.0.2.0/24", "2001:db8::/32"] });
    const code = async (base: string, secret: string) => {
      const res = await verify(base, { key: secret });
      return res.json.valid ? "OK" : res.json.code;
    };
    expect(await code(v4, v4Only.secret)).toBe("OK");
    expect(await code(v6, v4Only.secret)).toBe("IP_NOT_ALLOWED");
    expect(await code(v6, v6Only.secret)).toBe("OK");
    expect(await code(v4, v6Only.secret)).toBe("IP_NOT_ALLOWED");
    expect(await code(v4, both.secret)).toBe("OK");
    expect(await code(v6, both.secret)).toBe("OK");
    expect(await code(v4, neither.secret)).toBe("IP_NOT_ALLOWED");
    expect(await code(v6, neither.secret)).toBe("IP_NOT_ALLOWED");
  });

  it("expires a cached key at its expiry instant (the clock is checked per request)", async () => {
    const { key, secret } = await newKey(db, org.actor);
    const expiresAt = new Date(clock.ms() + 60_000);
    await db.apiKey.update({ where: { id: key.id }, data: { expiresAt } });
    // Creating the key bumped the organization's keysVersion: the cache must have read that before caching, or a
    // later poll drops the entry between the verification and the check below. Two reads, the second started
    // after the bump for certain (the first may be a poll already under way), rather than waiting for a poll
    // (250 ms) that a loaded machine may run late.
    await server.service.cache.refreshOrgs();
    await server.service.cache.refreshOrgs();
    expect((await verify(v4, { key: secret })).json.valid).toBe(true);
    expect(server.service.cache.entryCount).toBeGreaterThan(0);
    clock.advance(expiresAt.getTime() - clock.ms());
    expect((await verify(v4, { key: secret })).json).toEqual({ valid: false, code: "EXPIRED", keyId: key.id });
  });

  it("rejects a revoked key on the first call after the revoke, though it was cached", async () => {
    const { key, secret } = await newKey(db, org.actor);
    for (let i = 0; i < 3; i++) expect((await verify(v4, { key: secret })).json.valid).toBe(true);
    await revokeKey(db, org.actor, revokeKeySchema.parse({ keyId: key.id, confirmName: key.name }));
    expect((await verify(v4, { key: secret })).json.code).toBe("REVOKED");
  });

  it("applies an edit (scopes, CIDRs) on the next call", async () => {
    const { key, secret } = await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "a/**" }] });
    expect((await verify(v4, { key: secret, action: "read", resource: "a/b" })).json.valid).toBe(true);
    await editKey(db, org.actor, editKeySchema.parse({ keyId: key.id, scopes: [{ action: "read", resourceFilter: "c/**" }] }));
    expect((await verify(v4, { key: secret, action: "read", resource: "a/b" })).json.code).toBe("INSUFFICIENT_SCOPE");
    await editKey(db, org.actor, editKeySchema.parse({ keyId: key.id, cidrs: ["192.0.2.0/24"] }));
    expect((await verify(v4, { key: secret, action: "read", resource: "c/d" })).json.code).toBe("IP_NOT_ALLOWED");
  });

  it("keeps the old and new secrets valid through a rotation's grace period, and only the new one after", async () => {
    const { key, secret: oldSecret } = await newKey(db, org.actor);
    expect((await verify(v4, { key: oldSecret })).json.valid).toBe(true);
    // Rotated "an hour ago less a minute" with a 1 h grace: the grace ends a minute from now, by the server's clock.
    const rotatedAt = new Date(clock.ms() - 60 * 60 * 1000 + 60_000);
    const { secret: newSecret } = await rotateKey(db, org.actor, rotateKeySchema.parse({ keyId: key.id, grace: "1h" }), rotatedAt);
    const graceEnds = rotatedAt.getTime() + 60 * 60 * 1000;
    expect((await verify(v4, { key: oldSecret })).json).toMatchObject({ valid: true, keyId: key.id });
    expect((await verify(v4, { key: newSecret })).json).toMatchObject({ valid: true, keyId: key.id });
    clock.advance(graceEnds - clock.ms());
    expect((await verify(v4, { key: oldSecret })).json).toEqual({ valid: false, code: "EXPIRED", keyId: key.id });
    expect((await verify(v4, { key: newSecret })).json.valid).toBe(true);
  });

  it("stops an old secret at once after a rotation without grace", async () => {
    const { key, secret } = await newKey(db, org.actor);
    expect((await verify(v4, { key: secret })).json.valid).toBe(true);
    const rotated = await rotateKey(db, org.actor, rotateKeySchema.parse({ keyId: key.id, grace: "none" }));
    expect((await verify(v4, { key: secret })).json.code).toBe("EXPIRED");
    expect((await verify(v4, { key: rotated.secret })).json.valid).toBe(true);
  });

  it("finds a key created after the set of known hashes was loaded", async () => {
    await sleep(50);
    const { key, secret } = await newKey(db, org.actor);
    expect((await verify(v4, { key: secret })).json).toMatchObject({ valid: true, keyId: key.id });
  });

  it("tries every organization sharing a prefix", async () => {
    const twin = await createOrg(db, { name: "Twin", keyPrefix: "kw" });
    const { key, secret } = await newKey(db, twin.actor);
    expect((await verify(v4, { key: secret })).json).toMatchObject({ valid: true, keyId: key.id });
  });
});

describe("bad input", () => {
  const cases: [string, string | Buffer, number][] = [
    ["non-JSON body", "key=kw_live_x", 400],
    ["empty body", "", 400],
    ["JSON array", "[1,2]", 400],
    ["JSON null", "null", 400],
    ["key of the wrong type", JSON.stringify({ key: 42 }), 400],
    ["missing key", JSON.stringify({ action: "read" }), 400],
    ["unknown action", JSON.stringify({ key: "kw_live_x", action: "delete" }), 400],
    ["resource of the wrong type", JSON.stringify({ key: "kw_live_x", action: "read", resource: ["a"] }), 400],
    ["resource with a wildcard", JSON.stringify({ key: "kw_live_x", action: "read", resource: "a/**" }), 400],
    ["10k-character key", JSON.stringify({ key: "k".repeat(10_000) }), 413],
    ["3k-character key", JSON.stringify({ key: "k".repeat(3_000) }), 400],
    ["unicode garbage key", JSON.stringify({ key: "kw_live_\u202e\u0000💥\ud800" }), 400],
    ["invalid UTF-8", Buffer.from([0x7b, 0x22, 0x6b, 0x65, 0x79, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 400],
    ["ip without a caller key", JSON.stringify({ key: "kw_live_x", ip: "203.0.113.9" }), 401],
    ["1 MB body", Buffer.alloc(1024 * 1024, 0x61), 413],
  ];

  it("answers each with a 4xx JSON code, repeatedly, and then still verifies a good key", async () => {
    const { secret } = await newKey(db, org.actor);
    for (let round = 0; round < 3; round++) {
      for (const [label, body, status] of cases) {
        const res = await post(`${v4}/api/v1/keys/verify`, body);
        expect(res.status, label).toBe(status);
        expect(res.json?.error?.code, label).toMatch(/^[A-Z_]+$/);
        expect(res.headers["cache-control"], label).toBe("no-store");
        expect(res.text, label).not.toContain(secret);
      }
    }
    const ok = await verify(v4, { key: secret });
    expect(ok.json.valid).toBe(true);
  });

  it("answers 413 from the declared length without reading the body", async () => {
    const res = await post(`${v4}/api/v1/keys/verify`, "{}", { "content-length": String(5 * 1024 * 1024) }).catch((e) => e);
    // The server answers before the (never sent) body arrives and closes the connection.
    expect(res.status ?? res.code).toBe(413);
  });

  it("answers 413 to a chunked body once it passes the limit", async () => {
    const { request } = await import("node:http");
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${v4}/api/v1/keys/verify`,
        { method: "POST", headers: { "transfer-encoding": "chunked", "content-type": "application/json" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      const chunk = `{"key":"${"k".repeat(1000)}`;
      for (let i = 0; i < 8; i++) req.write(chunk);
    });
    expect(status).toBe(413);
    const { secret } = await newKey(db, org.actor);
    expect((await verify(v4, { key: secret })).json.valid).toBe(true);
  });

  it("refuses other methods", async () => {
    const res = await new Promise<number>((resolve, reject) => {
      import("node:http").then(({ get }) => get(`${v4}/api/v1/keys/verify`, (r) => resolve(r.statusCode ?? 0)).on("error", reject));
    });
    expect(res).toBe(405);
  });
});

describe("explicit client address", () => {
  it("uses the ip field only for a caller key holding admin on keys/verify, and only for its own organization", async () => {
    const target = await newKey(db, org.actor, { cidrs: ["203.0.113.0/24"] });
    const gateway = await newKey(db, org.actor, { scopes: [{ action: "admin", resourceFilter: "keys/verify" }] });
    const weak = await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "keys/verify" }] });
    const body = { key: target.secret, ip: "203.0.113.9" };

    expect((await verify(v4, body)).status).toBe(401);
    expect((await verify(v4, body, { authorization: `Bearer ${weak.secret}` })).status).toBe(403);
    expect((await verify(v4, body, { authorization: "Bearer kw_live_nonsense" })).status).toBe(403);
    const vouched = await verify(v4, body, { authorization: `Bearer ${gateway.secret}` });
    expect(vouched.status).toBe(200);
    expect(vouched.json.valid).toBe(true);
    expect((await verify(v4, { ...body, ip: "198.51.100.1" }, { authorization: `Bearer ${gateway.secret}` })).json.code).toBe(
      "IP_NOT_ALLOWED",
    );

    // Another organization's gateway cannot vouch for this organization's key.
    const other = await createOrg(db, { name: "Other", keyPrefix: "ot" });
    const foreignGateway = await newKey(db, other.actor, { scopes: [{ action: "admin", resourceFilter: "keys/verify" }] });
    const foreign = await verify(v4, body, { authorization: `Bearer ${foreignGateway.secret}` });
    expect(foreign.json).toEqual({ valid: false, code: "IP_NOT_ALLOWED", keyId: target.key.id });
  });
});

describe("usage recording", () => {
  it("records every verification, rolls it up per hour and outcome, and updates last use on success only", async () => {
    const other = await createOrg(db, { name: "Usage", keyPrefix: "us" });
    const { key, secret } = await newKey(db, other.actor, { scopes: [{ action: "read", resourceFilter: "x/**" }] });
    for (let i = 0; i < 5; i++) await verify(v4, { key: secret, action: "read", resource: "x/y" }, { "user-agent": "probe/1.0" });
    for (let i = 0; i < 2; i++) await verify(v4, { key: secret, action: "write", resource: "x/y" });
    await server.service.recorder.flush();

    const events = await db.usageEvent.findMany({ where: { keyId: key.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.outcome)).toEqual(["OK", "OK", "OK", "OK", "OK", "INSUFFICIENT_SCOPE", "INSUFFICIENT_SCOPE"]);
    expect(events[0]).toMatchObject({ orgId: other.orgId, action: "read", resource: "x/y", ip: "127.0.0.1", userAgent: "probe/1.0" });
    const rollups = await db.usageRollup.findMany({ where: { keyId: key.id } });
    expect(Object.fromEntries(rollups.map((r) => [r.outcome, r.count]))).toEqual({ OK: 5, INSUFFICIENT_SCOPE: 2 });
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.lastUsedIp).toBe("127.0.0.1");
    expect(row.lastUsedUserAgent).toBe("probe/1.0");
    expect(row.lastUsedAt!.getTime()).toBe(events[4].at.getTime());
    expect(JSON.stringify(events)).not.toContain(secret);
  });
});
