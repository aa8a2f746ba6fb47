import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireKey, verifyKey, VerifyKeyError, withKey } from "@/lib/client";
import { startVerifyServer, type VerifyServer } from "@/lib/verify/service";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { TestClock } from "./support/clock";
import { newKey } from "./support/keys";

const { db, url } = await setUpTestDb();
// The server's clock (the client's is the real one, as in production): a test that counts in a window moves it
// to a fresh minute first, so the real clock turning an hour cannot split its requests between two windows.
const clock = new TestClock();
let server: VerifyServer;
let endpoint: string;
let org: Awaited<ReturnType<typeof createOrg>>;

beforeAll(async () => {
  org = await createOrg(db, { keyPrefix: "cl" });
  server = await startVerifyServer({ db, url, prune: false, clock: clock.now });
  endpoint = `${server.urls[0]}/api/v1/keys/verify`;
});
afterAll(async () => {
  await server?.close();
});

describe("lib/client", () => {
  it("verifyKey returns the verdict and throws VerifyKeyError on a bad request or no server", async () => {
    const { key, secret } = await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "demo/**" }] });
    expect(await verifyKey({ url: endpoint, key: secret, action: "read", resource: "demo/x" })).toMatchObject({
      valid: true,
      keyId: key.id,
    });
    expect(await verifyKey({ url: endpoint, key: secret, action: "write", resource: "demo/x" })).toEqual({
      valid: false,
      code: "INSUFFICIENT_SCOPE",
      keyId: key.id,
    });
    await expect(verifyKey({ url: endpoint, key: "x".repeat(300) })).rejects.toMatchObject({ status: 400, code: "BAD_REQUEST" });
    await expect(verifyKey({ url: "http://127.0.0.1:1/api/v1/keys/verify", key: secret })).rejects.toBeInstanceOf(VerifyKeyError);
  });

  it("requireKey reads Bearer or X-API-Key from Web and node:http headers and maps denials to 401/403/503", async () => {
    const { key, secret } = await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "demo/**" }] });
    const check = requireKey({ action: "read", resource: "demo/echo", url: endpoint });
    expect(await check({ headers: new Headers({ authorization: `Bearer ${secret}` }) })).toMatchObject({
      ok: true,
      key: { keyId: key.id },
    });
    expect(await check({ headers: { "x-api-key": secret } })).toMatchObject({ ok: true });
    expect(await check({ headers: {} })).toMatchObject({ ok: false, status: 401, error: { code: "MISSING_KEY" } });
    const walled = await newKey(db, org.actor, { scopes: [{ action: "read", resourceFilter: "demo/**" }], cidrs: ["192.0.2.0/24"] });
    expect(await check({ headers: { authorization: `Bearer ${walled.secret}` } })).toMatchObject({
      ok: false,
      status: 403,
      error: { code: "IP_NOT_ALLOWED" },
    });
    const down = requireKey({ action: "read", resource: "demo/echo", url: "http://127.0.0.1:1/x" });
    expect(await down({ headers: { authorization: `Bearer ${secret}` } })).toMatchObject({ ok: false, status: 503 });
  });

  it("withKey answers 401 with WWW-Authenticate, never echoing the key", async () => {
    const handler = withKey({ action: "read", resource: "demo/echo", url: endpoint }, (_req, key) => Response.json({ id: key.keyId }));
    const secret = "cl_live_" + "A".repeat(38);
    const res = await handler(new Request("http://app.test/x", { headers: { authorization: `Bearer ${secret}` } }), {});
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/Bearer/);
    expect(await res.text()).not.toContain(secret);
  });

  it("withKey answers 429 with RateLimit-Limit, -Remaining, -Reset and Retry-After once the key's limit is spent", async () => {
    const { secret } = await newKey(db, org.actor, {
      scopes: [{ action: "read", resourceFilter: "demo/**" }],
      rateLimits: [{ name: "demo", limit: 2, duration: "1h" }],
    });
    const handler = withKey({ action: "read", resource: "demo/echo", url: endpoint }, (_req, key) => Response.json({ id: key.keyId }));
    const call = () => handler(new Request("http://app.test/x", { headers: { authorization: `Bearer ${secret}` } }), {});
    clock.startOfNextMinute();
    const windowEnd = Math.floor(clock.ms() / 3_600_000) * 3_600_000 + 3_600_000;
    const first = await call();
    expect(first.status).toBe(200);
    expect([first.headers.get("ratelimit-limit"), first.headers.get("ratelimit-remaining")]).toEqual(["2", "1"]);
    expect((await call()).status).toBe(200);
    const limited = await call();
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: { code: "RATE_LIMITED", message: expect.any(String) } });
    expect([limited.headers.get("ratelimit-limit"), limited.headers.get("ratelimit-remaining")]).toEqual(["2", "0"]);
    // The server says when the window ends by its clock; the client counts the seconds to that by its own.
    const seconds = Math.ceil((windowEnd - Date.now()) / 1000);
    for (const name of ["ratelimit-reset", "retry-after"])
      expect(Math.abs(Number(limited.headers.get(name)) - seconds)).toBeLessThanOrEqual(2);
  });

  it("requireKey answers 429 USAGE_EXCEEDED with Retry-After at the quota's refill", async () => {
    const { secret } = await newKey(db, org.actor, {
      scopes: [{ action: "read", resourceFilter: "demo/**" }],
      quota: 0,
      refill: { interval: "daily", amount: 10 },
    });
    const check = requireKey({ action: "read", resource: "demo/echo", url: endpoint });
    const result = await check({ headers: { authorization: `Bearer ${secret}` } });
    expect(result).toMatchObject({ ok: false, status: 429, error: { code: "USAGE_EXCEEDED" } });
    expect(Math.abs(Number(result.headers["retry-after"]) - 24 * 3600)).toBeLessThanOrEqual(2);
  });
});
