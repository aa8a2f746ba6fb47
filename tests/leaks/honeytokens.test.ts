import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { plantHoneytoken, removeHoneytoken } from "@/lib/honeytokens/honeytokens";
import { generateSecret } from "@/lib/keys/secret";
import { parseSecret } from "@/lib/keys/secret-format";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { createOrg, makeKey } from "../support/fixtures";
import { adminActor } from "../support/members";

// Canaries against the real server: verify answers a canary exactly as it answers a secret nobody issued, and the
// presentation is raised (outbox, audit, the canary's own record) with who presented it, from where, for what.

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let acme: Awaited<ReturnType<typeof createOrg>>;
let canary: Awaited<ReturnType<typeof plantHoneytoken>>;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  acme = await createOrg(db, { name: "Acme", keyPrefix: "kw" });
  await makeKey(db, acme.actor, { name: "A real key" });
  canary = await plantHoneytoken(db, adminActor(acme), { name: "CI config in the old monorepo" });
  server = await startKeyward({ databaseUrl: database.url, env: { KEYWARD_CANARIES_POLL_MS: "300" } });
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

async function present(key: string, resource: string | undefined = "billing/invoices") {
  const res = await fetch(`${server.url}/api/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", "user-agent": "curl/8.5.0" },
    body: JSON.stringify(resource === undefined ? { key } : { key, action: "read", resource }),
  });
  const headers = Object.fromEntries([...res.headers].filter(([name]) => name !== "date" && name !== "x-request-id"));
  return { status: res.status, headers, body: await res.text() };
}

async function waitFor<T>(read: () => Promise<T | null>, ms = 2000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > until) throw new Error("not recorded in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("honeytokens (canaries)", () => {
  it("look like a live key's secret: same prefix, environment, length and a valid checksum", () => {
    const real = generateSecret({ prefix: "kw", env: "live" }).secret;
    expect(parseSecret(canary.secret)).toMatchObject({ prefix: "kw", env: "live" });
    expect(canary.secret).toHaveLength(real.length);
    expect(canary.honeytoken.display).toBe(`kw_live_…${canary.secret.slice(-4)}`);
  });

  it("verify answers a canary byte for byte as an unknown key, and raises honeytoken.triggered with address, UA and resource", async () => {
    const unknown = generateSecret({ prefix: "kw", env: "live" }).secret;
    const asUnknown = await present(unknown);
    const asCanary = await present(canary.secret);
    expect(asCanary).toEqual(asUnknown);
    expect(asCanary.status).toBe(200);
    expect(asCanary.body).toBe('{"valid":false,"code":"NOT_FOUND"}');

    const event = await waitFor(() => db.outboxEvent.findFirst({ where: { orgId: acme.orgId, type: "honeytoken.triggered" } }));
    expect(JSON.parse(event.payload)).toMatchObject({
      honeytokenId: canary.honeytoken.id,
      name: "CI config in the old monorepo",
      ip: "127.0.0.1",
      userAgent: "curl/8.5.0",
      action: "read",
      resource: "billing/invoices",
    });
    expect(event.payload).not.toContain(canary.secret);
    // Not even its display form: events leave Keyward.
    expect(event.payload).not.toContain(canary.honeytoken.display);
    const row = await db.honeytoken.findUniqueOrThrow({ where: { id: canary.honeytoken.id } });
    expect(row).toMatchObject({ triggerCount: 1, lastTriggeredIp: "127.0.0.1", lastTriggeredUserAgent: "curl/8.5.0" });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { orgId: acme.orgId, action: "honeytoken.triggered" } });
    expect(audit).toMatchObject({ ip: "127.0.0.1", userAgent: "curl/8.5.0", targetId: canary.honeytoken.id });
    // An unknown secret raises nothing.
    expect(await db.outboxEvent.count({ where: { type: "honeytoken.triggered" } })).toBe(1);
  });

  it("is no key: not listed, not counted, and never valid whatever it asks for", async () => {
    expect(await db.apiKey.count({ where: { orgId: acme.orgId } })).toBe(1);
    expect(
      await db.keySecret.count({
        where: { secretHash: (await db.honeytoken.findUniqueOrThrow({ where: { id: canary.honeytoken.id } })).secretHash },
      }),
    ).toBe(0);
    expect((await present(canary.secret, undefined)).body).toBe('{"valid":false,"code":"NOT_FOUND"}');
  });

  it("once removed, it raises nothing more", async () => {
    await removeHoneytoken(db, adminActor(acme), { honeytokenId: canary.honeytoken.id });
    const before = await db.outboxEvent.count({ where: { type: "honeytoken.triggered" } });
    // Another process removed it: the server sees it on its next reload of canaries (KEYWARD_CANARIES_POLL_MS).
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect((await present(canary.secret)).body).toBe('{"valid":false,"code":"NOT_FOUND"}');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await db.outboxEvent.count({ where: { type: "honeytoken.triggered" } })).toBe(before);
  });
});
