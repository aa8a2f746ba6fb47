// Issue 17's detections from usage (key.used_after_revoke, key.new_address, key.denial_burst), made by the usage
// writer's thread from its batches, and the expiry job (key.expiring, key.expired): real verifications over real
// HTTP against the custom server, other instances (fresh memory, same database) as startVerifyServer, on both
// backends.
import Database from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { sqliteFilePath } from "@/lib/db-url";
import { scanExpiries } from "@/lib/events/detect-expiry";
import { startVerifyServer, type VerifyServer } from "@/lib/verify/service";
import { createTestDatabase, testBackend, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { request, seedApiOrg, seedKey } from "../api/helpers";

const THRESHOLD = 5;
const DAY = 86_400_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let acme: Awaited<ReturnType<typeof seedApiOrg>>;
/** Holds admin on keys/verify: may name the client address it verifies for. */
let gateway: Awaited<ReturnType<typeof seedKey>>;
const others: VerifyServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  acme = await seedApiOrg(db);
  gateway = await seedKey(db, acme.actor, { name: "Gateway", scopes: [{ action: "admin", resourceFilter: "keys/verify" }] });
  // Read by the writer threads of this process's instances too.
  process.env.KEYWARD_DENIAL_BURST_THRESHOLD = String(THRESHOLD);
  server = await startKeyward({
    databaseUrl: database.url,
    env: { KEYWARD_DENIAL_BURST_THRESHOLD: String(THRESHOLD), KEYWARD_EXPIRY_SCAN_MS: "300" },
  });
}, 900_000);

afterAll(async () => {
  if (process.env.DEBUG_DETECTIONS) console.log(server?.output());
  for (const other of others) await other.close();
  await server?.stop();
  await database?.drop();
});

/** Another instance on the same database, with nothing in memory. */
async function anotherInstance(): Promise<string> {
  const other = await startVerifyServer({ db, url: database.url, prune: false, detect: false });
  others.push(other);
  return other.urls[0];
}

async function verify(base: string, key: string, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = extra.ip ? { authorization: `Bearer ${gateway.secret}` } : {};
  // A key written by this process reaches a server's cache within its poll (KEYWARD_KEYS_POLL_MS); until then it
  // is NOT_FOUND, an answer recorded without a key id, so it counts for no key here.
  const deadline = Date.now() + 3000;
  for (;;) {
    const reply = await request(base, null, "POST", "/api/v1/keys/verify", { key, ...extra }, headers);
    expect(reply.status).toBe(200);
    if (reply.body.code !== "NOT_FOUND" || Date.now() > deadline) return reply.body as { valid: boolean; code?: string };
    await sleep(50);
  }
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await sleep(50);
  }
}

/** Waits until the key has `n` usage events written (so every batch holding them was also scanned). */
const written = (keyId: string, n: number) =>
  until(
    () => db.usageEvent.count({ where: { keyId } }),
    (c) => c >= n,
    `${n} usage events`,
  );

async function outbox(type: string, keyId: string) {
  const rows = await db.outboxEvent.findMany({ where: { type, payload: { contains: keyId } }, orderBy: { createdAt: "asc" } });
  return rows.map((row) => ({ ...row, data: JSON.parse(row.payload) as Record<string, unknown> }));
}

function expectNoSecret(payload: string, secret: string) {
  expect(payload).not.toContain(secret);
  expect(payload).not.toMatch(/hash|sealed|secret/i);
}

describe("key.used_after_revoke", () => {
  it("reports a revoked secret once, not again within the hour on any instance, and again after the hour", async () => {
    const key = await seedKey(db, acme.actor, { name: "Old deploy key" });
    expect((await request(server.url, acme.admin.secret, "POST", `/api/v1/keys/${key.id}/revoke`, {})).status).toBe(200);

    expect(await verify(server.url, key.secret)).toMatchObject({ valid: false, code: "REVOKED" });
    await verify(server.url, key.secret, { ip: "203.0.113.9" });
    await written(key.id, 2);
    const first = await until(
      () => outbox("key.used_after_revoke", key.id),
      (rows) => rows.length > 0,
      "the event",
    );
    expect(first).toHaveLength(1);
    expect(first[0].orgId).toBe(acme.orgId);
    expect(first[0].data).toMatchObject({ keyId: key.id, keyName: "Old deploy key", orgId: acme.orgId, reason: "revoked" });
    expect(typeof first[0].data.lastAt).toBe("string");
    expectNoSecret(first[0].payload, key.secret);

    // Within the hour: not again, from this instance (its memory) nor from another one (the database).
    await verify(server.url, key.secret);
    await verify(await anotherInstance(), key.secret);
    await written(key.id, 4);
    await sleep(200);
    expect(await outbox("key.used_after_revoke", key.id)).toHaveLength(1);

    // An hour later (the clock of the stored report moved back): reported again, once.
    await db.keyDetection.update({
      where: { keyId_kind: { keyId: key.id, kind: "used_after_revoke" } },
      data: { at: new Date(Date.now() - 61 * 60_000) },
    });
    const later = await anotherInstance();
    await verify(later, key.secret);
    await verify(later, key.secret);
    await written(key.id, 6);
    await until(
      () => outbox("key.used_after_revoke", key.id),
      (rows) => rows.length === 2,
      "the second event",
    );
    await sleep(200);
    expect(await outbox("key.used_after_revoke", key.id)).toHaveLength(2);
  });

  it("reports a revoked key presented to the management API (usage written by its refusal), once", async () => {
    const key = await seedKey(db, acme.actor, { name: "Old CLI key", scopes: [{ action: "read", resourceFilter: "keys/**" }] });
    expect((await request(server.url, acme.admin.secret, "POST", `/api/v1/keys/${key.id}/revoke`, {})).status).toBe(200);
    expect((await request(server.url, key.secret, "GET", "/api/v1/keys")).status).toBe(401);
    expect((await request(server.url, key.secret, "GET", "/api/v1/keys")).status).toBe(401);
    await written(key.id, 2);
    const events = await until(
      () => outbox("key.used_after_revoke", key.id),
      (rows) => rows.length > 0,
      "the event",
    );
    await sleep(200);
    expect(await outbox("key.used_after_revoke", key.id)).toHaveLength(1);
    expect(events[0].data).toMatchObject({ keyId: key.id, keyName: "Old CLI key", reason: "revoked" });
    expectNoSecret(events[0].payload, key.secret);
  });

  it("reports a secret replaced by a rotation, but not a key that simply expired", async () => {
    const rotated = await seedKey(db, acme.actor, { name: "Rotated key" });
    const rotation = await request(server.url, acme.admin.secret, "POST", `/api/v1/keys/${rotated.id}/rotate`, { grace: "none" });
    expect(rotation.status).toBe(200);
    const expired = await seedKey(db, acme.actor, { name: "Expired key" });
    await db.apiKey.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 60_000) } });

    expect(await verify(server.url, rotated.secret)).toMatchObject({ valid: false, code: "EXPIRED" });
    expect(await verify(server.url, expired.secret)).toMatchObject({ valid: false, code: "EXPIRED" });
    await written(rotated.id, 1);
    await written(expired.id, 1);
    const events = await until(
      () => outbox("key.used_after_revoke", rotated.id),
      (rows) => rows.length > 0,
      "the event",
    );
    expect(events).toHaveLength(1);
    expect(events[0].data).toMatchObject({ keyId: rotated.id, reason: "superseded", attempts: 1 });
    expectNoSecret(events[0].payload, rotated.secret);
    expect(await outbox("key.used_after_revoke", expired.id)).toHaveLength(0);
  });
});

describe("key.new_address", () => {
  it("reports a /24 or /48 the key has not used in 30 days, once; the first network is the baseline", async () => {
    const key = await seedKey(db, acme.actor, { name: "Mobile app" });
    const use = (base: string, ip: string) => verify(base, key.secret, { ip });

    expect(await use(server.url, "203.0.113.7")).toMatchObject({ valid: true });
    await use(server.url, "203.0.113.99");
    await written(key.id, 2);
    await sleep(200);
    expect(await outbox("key.new_address", key.id)).toHaveLength(0);

    await use(server.url, "198.51.100.4");
    await use(server.url, "198.51.100.250");
    await use(server.url, "2001:db8:1::1");
    await use(server.url, "2001:db8:1:ffff::2");
    await written(key.id, 6);
    const events = await until(
      () => outbox("key.new_address", key.id),
      (rows) => rows.length >= 2,
      "two events",
    );
    await sleep(200);
    const reported = (await outbox("key.new_address", key.id)).map((e) => e.data);
    expect(reported.map((d) => d.network).sort()).toEqual(["198.51.100.0/24", "2001:db8:1::/48"]);
    expect(reported.find((d) => d.network === "198.51.100.0/24")).toMatchObject({
      keyId: key.id,
      keyName: "Mobile app",
      orgId: acme.orgId,
      address: "198.51.100.4",
    });
    expectNoSecret(events[0].payload, key.secret);

    // The first network, unused for 31 days, is news again — once, even through two instances.
    await db.keyNetwork.update({
      where: { keyId_network: { keyId: key.id, network: "203.0.113.0/24" } },
      data: { lastSeenAt: new Date(Date.now() - 31 * DAY) },
    });
    await use(await anotherInstance(), "203.0.113.8");
    await written(key.id, 7);
    await use(await anotherInstance(), "203.0.113.10");
    await written(key.id, 8);
    await sleep(200);
    const back = (await outbox("key.new_address", key.id)).filter((e) => e.data.network === "203.0.113.0/24");
    expect(back).toHaveLength(1);
    expect(back[0].data.address).toBe("203.0.113.8");
  });
});

describe("key.denial_burst", () => {
  it("reports one key's denials reaching KEYWARD_DENIAL_BURST_THRESHOLD in 5 minutes, counted across instances, once", async () => {
    const key = await seedKey(db, acme.actor, { name: "Reporting job", scopes: [{ action: "read", resourceFilter: "reports/**" }] });
    const deny = (base: string) => verify(base, key.secret, { action: "write", resource: "reports/q3" });

    for (let i = 0; i < THRESHOLD - 2; i++) expect(await deny(server.url)).toMatchObject({ code: "INSUFFICIENT_SCOPE" });
    expect(await verify(server.url, key.secret, { action: "read", resource: "reports/q3" })).toMatchObject({ valid: true });
    await written(key.id, THRESHOLD - 1);
    await sleep(200);
    expect(await outbox("key.denial_burst", key.id)).toHaveLength(0);

    const other = await anotherInstance();
    await deny(other);
    await deny(other);
    await written(key.id, THRESHOLD + 1);
    const events = await until(
      () => outbox("key.denial_burst", key.id),
      (rows) => rows.length > 0,
      "the event",
    );
    expect(events[0].data).toMatchObject({
      keyId: key.id,
      keyName: "Reporting job",
      orgId: acme.orgId,
      denials: THRESHOLD,
      threshold: THRESHOLD,
      windowMinutes: 5,
      lastOutcome: "INSUFFICIENT_SCOPE",
    });
    expectNoSecret(events[0].payload, key.secret);

    for (let i = 0; i < 3; i++) await deny(server.url);
    await written(key.id, THRESHOLD + 4);
    await sleep(200);
    expect(await outbox("key.denial_burst", key.id)).toHaveLength(1);
  });
});

describe("detection stays off the verify path", () => {
  it("answers verifications while the detection tables are locked; the event follows once they are free", async () => {
    const key = await seedKey(db, acme.actor, { name: "Locked out" });
    await verify(server.url, key.secret);
    expect((await request(server.url, acme.admin.secret, "POST", `/api/v1/keys/${key.id}/revoke`, {})).status).toBe(200);
    await written(key.id, 1);
    const release = await lockDetectionTables();
    try {
      const started = Date.now();
      for (let i = 0; i < 3; i++) expect(await verify(server.url, key.secret)).toMatchObject({ code: "REVOKED" });
      expect(Date.now() - started).toBeLessThan(1000);
      await sleep(300);
      expect(await outbox("key.used_after_revoke", key.id)).toHaveLength(0);
    } finally {
      await release();
    }
    await until(
      () => outbox("key.used_after_revoke", key.id),
      (rows) => rows.length === 1,
      "the event after the lock",
    );
  });
});

/** Holds a lock that stops the usage writer's transaction (SQLite: the write lock; PostgreSQL: KeyDetection). */
async function lockDetectionTables(): Promise<() => Promise<void>> {
  if (testBackend === "postgres") {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`BEGIN; LOCK TABLE "KeyDetection" IN ACCESS EXCLUSIVE MODE`);
    return async () => {
      await client.query("COMMIT");
      await client.end();
    };
  }
  const conn = new Database(sqliteFilePath(database.url), { timeout: 5000 });
  conn.exec("BEGIN IMMEDIATE");
  return async () => {
    conn.exec("COMMIT");
    conn.close();
  };
}

describe("key.expiring and key.expired", () => {
  it("the running server reports a key 2 days from expiry at the 3-day threshold only", async () => {
    const key = await seedKey(db, acme.actor, { name: "Short-lived" });
    const expiresAt = new Date(Date.now() + 2 * DAY);
    await db.apiKey.update({ where: { id: key.id }, data: { expiresAt } });
    const events = await until(
      () => outbox("key.expiring", key.id),
      (rows) => rows.length > 0,
      "the scan",
    );
    expect(events).toHaveLength(1);
    expect(events[0].data).toEqual({
      keyId: key.id,
      keyName: "Short-lived",
      orgId: acme.orgId,
      expiresAt: expiresAt.toISOString(),
      threshold: "3d",
      daysLeft: 2,
    });
    await sleep(700); // two more scans
    expect(await outbox("key.expiring", key.id)).toHaveLength(1);
  });

  it("reports 14, 3 and 1 day before and at expiry once each under a moved clock, with two instances scanning at once", async () => {
    const key = await seedKey(db, acme.actor, { name: "Quarterly" });
    const expiresAt = new Date(Date.now() + 20 * DAY);
    await db.apiKey.update({ where: { id: key.id }, data: { expiresAt } });
    // PostgreSQL: a second client, as another instance. SQLite: the same one (better-sqlite3 waits for a lock
    // synchronously, so two clients in one process would wait on each other); other processes scan too.
    const second = testBackend === "postgres" ? createDb(database.url) : db;
    const at = (msBefore: number) => new Date(expiresAt.getTime() - msBefore);
    const seen: string[] = [];
    for (const now of [at(15 * DAY), at(14 * DAY - 1000), at(3 * DAY - 1000), at(DAY - 1000), at(-1000)]) {
      await Promise.all([scanExpiries(db, now), scanExpiries(second, now), scanExpiries(db, now)]);
      const rows = [...(await outbox("key.expiring", key.id)), ...(await outbox("key.expired", key.id))];
      seen.push(rows.map((r) => (r.type === "key.expired" ? "expired" : String(r.data.threshold))).join(","));
    }
    if (second !== db) await second.$disconnect();
    expect(seen).toEqual(["", "14d", "14d,3d", "14d,3d,1d", "14d,3d,1d,expired"]);

    // A revoked key is not reported.
    const revoked = await seedKey(db, acme.actor, { name: "Gone" });
    await db.apiKey.update({ where: { id: revoked.id }, data: { expiresAt: new Date(Date.now() + DAY), revokedAt: new Date() } });
    await scanExpiries(db, new Date());
    expect(await outbox("key.expiring", revoked.id)).toHaveLength(0);
  });
});
