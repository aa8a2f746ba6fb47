import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeKeyById } from "@/lib/api-keys/revoke-key";
import type { Db } from "@/lib/db/client";
import { generateSecret } from "@/lib/keys/secret";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { createOrg, makeKey } from "../support/fixtures";
import { expectUnchanged, snapshot } from "../permissions/http";

// GitHub's secret scanning partner contract, end to end: a local stand-in for GitHub's key list (P-256 keys made
// here), batches signed with them, the real server on a real database, and verify answering afterwards.

interface Signer {
  id: string;
  privateKey: KeyObject;
  pem: string;
}

function newSigner(id: string): Signer {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return { id, privateKey, pem: publicKey.export({ type: "spki", format: "pem" }).toString() };
}

const signerA = newSigner("a".repeat(64));
const signerB = newSigner("b".repeat(64));
const stranger = newSigner("c".repeat(64));
let published: Signer[] = [signerA];
let keyListFetches = 0;

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let keyList: Server;
let acme: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;

beforeAll(async () => {
  keyList = createServer((req, res) => {
    keyListFetches += 1;
    const body = JSON.stringify({ public_keys: published.map((s) => ({ key_identifier: s.id, key: s.pem, is_current: true })) });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
  });
  await new Promise<void>((resolve) => keyList.listen(0, "127.0.0.1", resolve));
  database = await createTestDatabase();
  db = database.db;
  // Two organizations with the same prefix: each secret must be matched with its own organization's signing secret.
  acme = await createOrg(db, { name: "Acme", keyPrefix: "kw" });
  other = await createOrg(db, { name: "Other", keyPrefix: "kw" });
  const url = `http://127.0.0.1:${(keyList.address() as AddressInfo).port}/meta/public_keys/secret_scanning`;
  // No outbox dispatcher: its background writes (dispatchedAt, notifications) would blur the "nothing changes" snapshots.
  server = await startKeyward({ databaseUrl: database.url, env: { KEYWARD_GITHUB_KEYS_URL: url, KEYWARD_DISPATCH: "0" } });
  // Next loads a route's module, and Prisma compiles each query, on first use: one report here (another
  // organization's key) warms both, so the timings below are a report's own, not the server's first request's.
  const warmUp = await makeKey(db, other.actor, { name: "Warm-up" });
  const batch = JSON.stringify([match(warmUp.secret, 0)]);
  expect((await post(batch, signed(batch, signerA))).status).toBe(200);
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  keyList?.close();
});

const ENDPOINT = "/api/v1/secret-scanning/github";

function signed(body: string, signer: Signer, headers: Record<string, string> = {}) {
  return {
    "content-type": "application/json",
    "github-public-key-identifier": signer.id,
    "github-public-key-signature": sign("sha256", Buffer.from(body), signer.privateKey).toString("base64"),
    ...headers,
  };
}

async function post(body: string, headers: Record<string, string>) {
  const res = await fetch(`${server.url}${ENDPOINT}`, { method: "POST", headers, body });
  return { status: res.status, body: (await res.json()) as unknown };
}

async function verify(key: string) {
  const res = await fetch(`${server.url}/api/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ key }),
  });
  return (await res.json()) as { valid: boolean; code?: string };
}

/** Streams up to `total` bytes without a Content-Length until the server answers; the answer sent first is what counts. */
function chunkedUpload(headers: Record<string, string>, total: number): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let answered = false;
    const req = httpRequest(`${server.url}${ENDPOINT}`, { method: "POST", headers }, (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body, sent: sentBeforeAnswer });
        req.destroy();
      });
      res.on("error", reject);
    });
    req.on("error", (error) => !answered && reject(error));
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** A key made here (another process) reaches the server's verify cache on its next poll of key versions (250 ms). */
async function knownToServer(secret: string) {
  await expect.poll(async () => (await verify(secret)).valid, { timeout: 3000, interval: 100 }).toBe(true);
}

/** Every table, once the usage writer has flushed what earlier verifications buffered (every 250 ms). */
async function settledSnapshot() {
  await new Promise((resolve) => setTimeout(resolve, 600));
  return snapshot(db);
}

const match = (token: string, n: number) => ({
  token,
  type: "keyward_api_key",
  url: `https://github.com/octocat/hello-world/blob/${"0".repeat(39)}${n}/config.yml`,
  source: "content",
});
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function outbox(keyId: string) {
  const rows = await db.outboxEvent.findMany({ orderBy: { createdAt: "asc" } });
  return rows
    .map((r) => ({ type: r.type, orgId: r.orgId, payload: JSON.parse(r.payload) as Record<string, unknown> }))
    .filter((r) => r.payload.keyId === keyId);
}

describe("POST /api/v1/secret-scanning/github", () => {
  it("a signed batch (live, revoked, foreign): the live key is revoked before the answer, the reply labels each token", async () => {
    const live = await makeKey(db, acme.actor, { name: "Deploy bot" });
    const revoked = await makeKey(db, acme.actor, { name: "Old deploy bot" });
    await revokeKeyById(db, acme.actor, revoked.key.id, "retired");
    const foreign = generateSecret({ prefix: "kw", env: "live" }).secret;
    await knownToServer(live.secret);

    const batch = JSON.stringify([match(live.secret, 1), match(revoked.secret, 2), match(foreign, 3)]);
    const started = performance.now();
    const reply = await post(batch, signed(batch, signerA));
    const verdict = await verify(live.secret);
    const elapsed = performance.now() - started;

    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(reply.body).toEqual([
      { token_hash: sha256(live.secret), token_type: "keyward_api_key", label: "true_positive" },
      { token_hash: sha256(revoked.secret), token_type: "keyward_api_key", label: "true_positive" },
      { token_hash: sha256(foreign), token_type: "keyward_api_key", label: "false_positive" },
    ]);
    // The revoke is done before GitHub gets its answer: the very first verification after it is refused, with no
    // wait for a poll. How long that takes is printed, not asserted: a timed assertion measures CI's neighbours
    // (116–460 ms on a quiet machine, up to ~1.5 s beside the rest of the suite on 2 cores).
    expect(verdict).toEqual({ valid: false, code: "REVOKED", keyId: live.key.id });
    console.log(`github report → verify REVOKED: ${elapsed.toFixed(0)} ms`);

    const key = await db.apiKey.findUniqueOrThrow({ where: { id: live.key.id } });
    expect(key.revokedByLabel).toBe("GitHub secret scanning");
    expect(key.revokeReason).toContain(match(live.secret, 1).url);
    const reports = await db.auditEvent.findMany({ where: { orgId: acme.orgId, action: "leak.reported" } });
    expect(reports.map((r) => JSON.parse(r.data) as Record<string, unknown>)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ keyId: live.key.id, url: match(live.secret, 1).url, policy: "revoke", action: "revoked" }),
        expect.objectContaining({ keyId: revoked.key.id, url: match(revoked.secret, 2).url, action: "already_dead" }),
      ]),
    );
    const events = await outbox(live.key.id);
    expect(events.map((e) => e.type)).toEqual(["leak.reported", "leak.revoked"]);
    // Events leave Keyward (webhooks, email): no part of the secret, not even its display form's last characters.
    expect(JSON.stringify(events)).not.toContain(live.secret.slice(-4));
    expect((await outbox(revoked.key.id)).map((e) => e.type)).toEqual(["leak.reported"]);
    // Nothing the server stored or said holds a secret.
    const stored = JSON.stringify(await snapshot(db));
    for (const secret of [live.secret, revoked.secret, foreign]) {
      expect(stored).not.toContain(secret);
      expect(server.output()).not.toContain(secret);
    }
  });

  it("a tampered body, an unknown key identifier or no signature: 401, nothing changes, the refusal is audited", async () => {
    const live = await makeKey(db, acme.actor, { name: "Billing sync" });
    const batch = JSON.stringify([match(live.secret, 4)]);
    const before = await settledSnapshot();

    const tampered = batch.replace("hello-world", "hello-worle");
    expect(await post(tampered, signed(batch, signerA))).toMatchObject({ status: 401, body: { error: { code: "SIGNATURE_INVALID" } } });
    const byStranger = signed(batch, stranger);
    expect(await post(batch, byStranger)).toMatchObject({ status: 401, body: { error: { code: "SIGNATURE_INVALID" } } });
    const misnamed = signed(batch, signerA, { "github-public-key-identifier": stranger.id });
    expect(await post(batch, misnamed)).toMatchObject({ status: 401, body: { error: { code: "SIGNATURE_INVALID" } } });
    expect(await post(batch, { "content-type": "application/json" })).toMatchObject({
      status: 401,
      body: { error: { code: "SIGNATURE_REQUIRED" } },
    });

    expectUnchanged(before, await snapshot(db), "refused reports");
    await knownToServer(live.secret);
    const refusals = await db.auditEvent.findMany({ where: { orgId: acme.orgId, action: "leak.report_refused" } });
    expect(refusals.map((r) => r.outcome)).toContain("denied");
  });

  it("alert only (per organization): the key stays live, leak.reported is recorded and nothing is revoked", async () => {
    await db.organization.update({ where: { id: other.orgId }, data: { leakPolicy: "alert" } });
    const theirs = await makeKey(db, other.actor, { name: "Analytics export" });
    const ours = await makeKey(db, acme.actor, { name: "Nightly backup" });
    await knownToServer(theirs.secret);
    const batch = JSON.stringify([match(theirs.secret, 5), match(ours.secret, 6)]);
    const reply = await post(batch, signed(batch, signerA));
    expect(reply.status).toBe(200);
    expect((reply.body as { label: string }[]).map((l) => l.label)).toEqual(["true_positive", "true_positive"]);

    expect(await verify(theirs.secret)).toMatchObject({ valid: true });
    expect(await verify(ours.secret)).toMatchObject({ valid: false, code: "REVOKED" });
    const events = await outbox(theirs.key.id);
    expect(events.map((e) => e.type)).toEqual(["leak.reported"]);
    expect(events[0]).toMatchObject({ orgId: other.orgId, payload: { policy: "alert", action: "none", url: match(theirs.secret, 5).url } });
    expect(JSON.stringify(events)).not.toContain(theirs.secret);
    await db.organization.update({ where: { id: other.orgId }, data: { leakPolicy: "revoke" } });
  });

  it("rotate and alert: the leaked secret stops working at once, the key lives on with a new secret", async () => {
    await db.organization.update({ where: { id: acme.orgId }, data: { leakPolicy: "rotate" } });
    const key = await makeKey(db, acme.actor, { name: "Search indexer" });
    const batch = JSON.stringify([match(key.secret, 7)]);
    expect((await post(batch, signed(batch, signerA))).status).toBe(200);
    expect(await verify(key.secret)).toMatchObject({ valid: false, code: "EXPIRED" });
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.key.id }, include: { secrets: true } });
    expect(row.revokedAt).toBeNull();
    expect(row.secrets).toHaveLength(2);
    expect((await outbox(key.key.id)).map((e) => [e.type, e.payload.action])).toEqual([
      ["leak.reported", "rotated"],
      ["leak.revoked", "rotated"],
    ]);
    await db.organization.update({ where: { id: acme.orgId }, data: { leakPolicy: "revoke" } });
  });

  it("a key GitHub starts signing with is fetched on its first unknown identifier", async () => {
    const key = await makeKey(db, acme.actor, { name: "Status page" });
    const batch = JSON.stringify([match(key.secret, 8)]);
    // The key list was read at most a moment ago: an unknown identifier refetches it once a second at most.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const fetchesBefore = keyListFetches;
    published = [signerA, signerB];
    const reply = await post(batch, signed(batch, signerB));
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(keyListFetches).toBe(fetchesBefore + 1);
    expect(await verify(key.secret)).toMatchObject({ valid: false, code: "REVOKED" });
  });

  it("a batch of 1,000 matches is answered well within GitHub's 30 s, each match labelled", async () => {
    const live = await Promise.all([1, 2, 3].map((n) => makeKey(db, acme.actor, { name: `Bulk ${n}` })));
    const tokens = [
      ...live.map((k) => k.secret),
      ...Array.from({ length: 997 }, () => generateSecret({ prefix: "kw", env: "live" }).secret),
    ];
    const batch = JSON.stringify(tokens.map((t, i) => match(t, i)));
    const started = performance.now();
    const reply = await post(batch, signed(batch, signerA));
    const elapsed = performance.now() - started;
    expect(reply.status).toBe(200);
    const labels = (reply.body as { label: string }[]).map((l) => l.label);
    expect(labels.filter((l) => l === "true_positive")).toHaveLength(3);
    expect(labels).toHaveLength(1000);
    expect(elapsed).toBeLessThan(10_000);
    console.log(`github report of 1,000 matches (3 live): ${elapsed.toFixed(0)} ms`);
    for (const key of live) expect(await verify(key.secret)).toMatchObject({ code: "REVOKED" });
  });

  it("cuts a body over 4 MiB as it streams (413), and refuses a signed body that is not a batch (422), changing nothing", async () => {
    const before = await settledSnapshot();
    const upload = await chunkedUpload(signed("[]", signerA, { "transfer-encoding": "chunked" }), 64 * 1024 * 1024);
    expect(upload.status).toBe(413);
    expect(JSON.parse(upload.body)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    // Answered once the limit (4 MiB) is passed, not after the whole body; socket buffers hold a few MB more.
    expect(upload.sent).toBeLessThan(24 * 1024 * 1024);
    const notBatch = JSON.stringify({ token: "x" });
    expect(await post(notBatch, signed(notBatch, signerA))).toMatchObject({ status: 422, body: { error: { code: "VALIDATION" } } });
    expectUnchanged(before, await snapshot(db), "bad batches");
  });
});
