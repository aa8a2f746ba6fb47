// The real server.ts (Next + the verify fast path on one port), as `npm start` runs it: the console keeps
// working, /api/demo/echo is protected through lib/client, and SIGTERM under load loses no usage event.
// Needs a production build: the same one the other server tests and the e2e suite use (built once if stale).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { ensureAppBuilt, freePort } from "../support/keyward-server";
import { startChild, type Child } from "./support/child";
import { verify } from "./support/http";
import { newKey, sleep } from "./support/keys";

const distDir = process.env.NEXT_DIST_DIR || ".next";

const { db, url } = await setUpTestDb();
let server: Child;
let base: string;
let org: Awaited<ReturnType<typeof createOrg>>;
type Made = Awaited<ReturnType<typeof newKey>>;
let keys: Record<"plain" | "good" | "wrongScope" | "wrongIp" | "admin" | "victim", Made>;
let loadKeys: Made[];

beforeAll(async () => {
  await ensureAppBuilt();
  org = await createOrg(db, { keyPrefix: "sv" });
  // Every key exists before the server starts: it then looks for other processes' changes only once a minute,
  // so whatever it learns during the tests comes from its own process (the console, the management API).
  keys = {
    plain: await newKey(db, org.actor),
    good: await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "demo/**" }] }),
    wrongScope: await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "projects/**" }] }),
    wrongIp: await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "demo/**" }], cidrs: ["192.0.2.0/24"] }),
    admin: await newKey(db, org.actor, { scopes: [{ action: "admin", resourceFilter: "keys/**" }] }),
    victim: await newKey(db, org.actor),
  };
  loadKeys = [await newKey(db, org.actor), await newKey(db, org.actor), await newKey(db, org.actor)];
  const port = await freePort();
  server = await startChild(
    ["server.ts"],
    {
      DATABASE_URL: url,
      NODE_ENV: "production",
      NEXT_DIST_DIR: distDir,
      PORT: String(port),
      HOST: "127.0.0.1",
      NEXT_TELEMETRY_DISABLED: "1",
      KEYWARD_KEYS_POLL_MS: "60000",
    },
    /Keyward ready/,
    120_000,
  );
  base = `http://127.0.0.1:${port}`;
}, 600_000);
afterAll(async () => {
  await server?.stop();
});

describe("server.ts", () => {
  it("serves verify before Next and the console through Next on the same port", async () => {
    const { key, secret } = keys.plain;
    const res = await verify(base, { key: secret });
    expect(res.json).toMatchObject({ valid: true, keyId: key.id });
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("no-store");
    const login = await fetch(`${base}/login`, { redirect: "manual" });
    expect([200, 307, 308]).toContain(login.status);
    expect(login.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("protects /api/demo/echo: 200 with a good key, 401/403 with the reason otherwise", async () => {
    const { good, wrongScope, wrongIp } = keys;
    const echo = (headers: Record<string, string>) => fetch(`${base}/api/demo/echo?message=hello`, { headers });

    const ok = await echo({ authorization: `Bearer ${good.secret}` });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ok: true, keyId: good.key.id, keyName: good.key.name, message: "hello" });
    const viaHeader = await echo({ "x-api-key": good.secret });
    expect(viaHeader.status).toBe(200);

    const missing = await echo({});
    expect(missing.status).toBe(401);
    expect((await missing.json()).error.code).toBe("MISSING_KEY");
    const unknown = await echo({ authorization: `Bearer ${good.secret.slice(0, -6)}AAAAAA` });
    expect(unknown.status).toBe(401);
    expect((await unknown.json()).error.code).toBe("MALFORMED");
    const scope = await echo({ authorization: `Bearer ${wrongScope.secret}` });
    expect(scope.status).toBe(403);
    expect((await scope.json()).error).toEqual({ code: "INSUFFICIENT_SCOPE", message: expect.stringMatching(/does not allow/) });
    const ip = await echo({ authorization: `Bearer ${wrongIp.secret}` });
    expect(ip.status).toBe(403);
    expect((await ip.json()).error.code).toBe("IP_NOT_ALLOWED");
  });

  it("rejects a key revoked through the app (management API) on the very next verification", async () => {
    const { victim, admin } = keys;
    for (let i = 0; i < 3; i++) expect((await verify(base, { key: victim.secret })).json.valid).toBe(true);
    const revoked = await fetch(`${base}/api/v1/keys/${victim.key.id}/revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "leaked in a test" }),
    });
    expect(revoked.status).toBe(200);
    expect((await verify(base, { key: victim.secret })).json).toEqual({ valid: false, code: "REVOKED", keyId: victim.key.id });
  });

  it("writes every usage event acknowledged with a 200 before exiting on SIGTERM during load", async () => {
    const keyIds = loadKeys.map((k) => k.key.id);
    const before = await db.usageEvent.count({ where: { keyId: { in: keyIds } } });
    let acknowledged = 0;
    let stopped = false;
    const worker = async (n: number) => {
      for (let i = 0; !stopped; i++) {
        try {
          const res = await verify(base, { key: loadKeys[(n + i) % loadKeys.length].secret, action: "read", resource: "projects/a" });
          if (res.status === 200) acknowledged += 1;
        } catch {
          return;
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, n) => worker(n));
    await sleep(800);
    const code = await server.stop();
    stopped = true;
    await Promise.all(workers);
    expect(code).toBe(0);
    expect(acknowledged).toBeGreaterThan(50);
    const written = (await db.usageEvent.count({ where: { keyId: { in: keyIds } } })) - before;
    // The server's own count: every verification it answered (in this file's whole run) has its event written.
    const stats = /usage: (\d+) verifications answered, (\d+) events written, (\d+) unwritten/.exec(server.output());
    expect(stats, server.output()).not.toBeNull();
    const [answered, writtenByServer, unwritten] = stats!.slice(1).map(Number);
    expect(unwritten).toBe(0);
    expect(writtenByServer).toBe(answered);
    expect(await db.usageEvent.count()).toBe(answered);
    // An answer the client never received (its connection cut by the shutdown) is still one answered and written:
    // at most one such per worker.
    expect(written).toBeGreaterThanOrEqual(acknowledged);
    expect(written - acknowledged).toBeLessThanOrEqual(16);
    const rollups = await db.usageRollup.aggregate({ where: { keyId: { in: keyIds } }, _sum: { count: true } });
    expect(rollups._sum.count).toBe(written + before);
  });
});
