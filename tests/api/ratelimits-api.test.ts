// Rate limits, tiers and quotas through the management API, the CLI and the verify endpoint of one running
// server (the custom server in front of the built Next app), on a real database.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { HOUR_MS, roomInWindow } from "../support/windows";
import { runCli } from "../cli/run-cli";
import { request, seedApiOrg, seedKey } from "./helpers";

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let acme: Awaited<ReturnType<typeof seedApiOrg>>;
let readOnly: Awaited<ReturnType<typeof seedKey>>;

const api = (secret: string | null, method: string, path: string, body?: unknown) => request(server.url, secret, method, path, body);
const admin = (method: string, path: string, body?: unknown) => api(acme.admin.secret, method, path, body);
const verify = (key: string) => api(null, "POST", "/api/v1/keys/verify", { key });
const cli = (...args: string[]) => runCli(args, { env: { KEYWARD_URL: server.url, KEYWARD_API_KEY: acme.admin.secret } });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  acme = await seedApiOrg(db, { keyPrefix: "ra" });
  readOnly = await seedKey(db, acme.actor, { name: "Auditor script", scopes: [{ action: "read", resourceFilter: "keys/**" }] });
  server = await startKeyward({ databaseUrl: database.url });
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

let n = 0;
const create = (extra: Record<string, unknown>) =>
  admin("POST", "/api/v1/keys", {
    name: `k-${++n}`,
    expiry: { preset: "30d" },
    scopes: [{ action: "read", resourceFilter: "" }],
    ...extra,
  });

// Tests count a key's requests in windows of an hour or a day: none may start with less than its timeout
// (vitest.config.ts: 30 s) left in the hour, or a window turning between two requests gives a fresh allowance.
const TEST_TIMEOUT_MS = 30_000;

describe("the management API", () => {
  beforeEach(() => roomInWindow(HOUR_MS, TEST_TIMEOUT_MS), TEST_TIMEOUT_MS + 5000);

  it("creates a key with limits and a quota, shows them, and the verify endpoint enforces them", async () => {
    const created = await create({ rateLimits: [{ name: "api", limit: 2, duration: "1h" }], quota: 100, refill: { interval: "daily" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.key).toMatchObject({
      rateLimits: [{ name: "api", limit: 2, duration: 3_600_000 }],
      tier: null,
      quota: 100,
      refill: { interval: "daily", amount: 100 },
    });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await verify(created.body.secret)).body);
    expect(codes.map((c) => c.code ?? "OK")).toEqual(["OK", "OK", "RATE_LIMITED"]);
    expect(codes[1].quota.remaining).toBe(98);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "key.created", targetId: created.body.key.id } });
    expect(JSON.parse(audit.data!).after).toMatchObject({ rateLimits: [{ name: "api", limit: 2, duration: 3_600_000 }], quota: 100 });
  });

  it("refuses bad limits, quota, refill or tier with 422 VALIDATION on the field, creating nothing", async () => {
    const before = await db.apiKey.count();
    const cases: [Record<string, unknown>, string][] = [
      [{ rateLimits: [{ name: "api", limit: 10, duration: "500ms" }] }, "rateLimits.0.duration"],
      [{ rateLimits: [{ name: "api", limit: 10, duration: "2d" }] }, "rateLimits.0.duration"],
      [{ rateLimits: [{ name: "api", limit: 0, duration: "1s" }] }, "rateLimits.0.limit"],
      [{ rateLimits: [{ name: "Not ok!", limit: 1, duration: "1s" }] }, "rateLimits.0.name"],
      [{ quota: -5 }, "quota"],
      [{ quota: "lots" }, "quota"],
      [{ refill: { interval: "daily" } }, "refill"],
      [{ tier: "platinum" }, "tier"],
    ];
    for (const [extra, field] of cases) {
      const reply = await create(extra);
      expect(reply.status, JSON.stringify(extra)).toBe(422);
      expect(reply.body.error.code).toBe("VALIDATION");
      expect(Object.keys(reply.body.error.details ?? {}), JSON.stringify(reply.body)).toContain(field);
    }
    expect(await db.apiKey.count()).toBe(before);
  });

  it("manages tiers (admin only); a key on a tier follows a change to it", async () => {
    const refused = await api(readOnly.secret, "POST", "/api/v1/tiers", { name: "free" });
    expect(refused.status).toBe(403);
    const saved = await admin("POST", "/api/v1/tiers", { name: "free", rateLimits: [{ name: "tier", limit: 1, duration: "1d" }] });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(saved.body.tier).toMatchObject({ name: "free", rateLimits: [{ name: "tier", limit: 1, duration: 86_400_000 }], quota: null });
    const key = await create({ tier: "free" });
    expect(key.body.key.tier).toBe("free");
    expect([(await verify(key.body.secret)).body.valid, (await verify(key.body.secret)).body.code]).toEqual([true, "RATE_LIMITED"]);
    await admin("POST", "/api/v1/tiers", { name: "free", rateLimits: [{ name: "tier", limit: 3, duration: "1d" }] });
    expect((await verify(key.body.secret)).body).toMatchObject({ valid: true, ratelimits: [{ name: "tier", limit: 3, remaining: 1 }] });
    expect((await api(readOnly.secret, "GET", "/api/v1/tiers")).body.tiers.map((t: { name: string }) => t.name)).toEqual(["free"]);
  });

  it("edits limits with PATCH (audited with before and after); the next verification follows", async () => {
    const key = await create({ rateLimits: [{ name: "api", limit: 1, duration: "1h" }] });
    await verify(key.body.secret);
    expect((await verify(key.body.secret)).body.code).toBe("RATE_LIMITED");
    const patched = await admin("PATCH", `/api/v1/keys/${key.body.key.id}`, { rateLimits: [{ name: "api", limit: 5, duration: "1h" }] });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await verify(key.body.secret)).body).toMatchObject({ valid: true, ratelimits: [{ limit: 5, remaining: 3 }] });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "key.updated", targetId: key.body.key.id } });
    expect(JSON.parse(audit.data!)).toMatchObject({ before: { rateLimits: [{ limit: 1 }] }, after: { rateLimits: [{ limit: 5 }] } });
  });
});

describe("the CLI", () => {
  it("creates and updates a key with --rate-limit, --quota, --refill and --tier", async () => {
    const created = await cli(
      "keys",
      "create",
      "CLI limited",
      "--rate-limit",
      "api=1000/10s",
      "--rate-limit",
      "day=50000/1d",
      "--quota",
      "500",
      "--refill",
      "monthly:400",
      "--json",
    );
    expect(created.code, created.stderr).toBe(0);
    const { key } = JSON.parse(created.stdout);
    expect(key).toMatchObject({
      rateLimits: [
        { name: "api", limit: 1000, duration: 10_000 },
        { name: "day", limit: 50_000, duration: 86_400_000 },
      ],
      quota: 500,
      refill: { interval: "monthly", amount: 400 },
    });
    const updated = await cli("keys", "update", key.id, "--tier", "free", "--quota", "none", "--clear-rate-limits", "--json");
    expect(updated.code, updated.stderr).toBe(0);
    expect(JSON.parse(updated.stdout).key).toMatchObject({ rateLimits: [], tier: "free", quota: null, refill: null });
    const bad = await cli("keys", "create", "CLI bad", "--rate-limit", "api=lots");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--rate-limit: expected name=<limit>\/<duration>/);
  });
});
