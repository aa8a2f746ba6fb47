// Two Keyward instances on one PostgreSQL database behind Debian's nginx, run with the shipped
// deploy/nginx/keyward.conf (only its ports and log path changed) and the shipped systemd environment file
// (deploy/systemd/keyward.env.example, only the database, ports and secrets changed): the console works through
// the proxy, verify sees the real client's address, a revoke through one instance is enforced through the proxy
// within 1 s under load on both, and usage from both adds up.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "@/lib/auth/password";
import { SESSION_COOKIE } from "@/lib/auth/sessions";
import { builtActions, type BuiltAction } from "../permissions/http";
import { testBackend, setUpTestDb } from "../support/db";
import { baseKeyInput, createOrg, makeKey } from "../support/fixtures";
import { ensureAppBuilt, freePort, startKeyward, type KeywardServer } from "../support/keyward-server";

const ROOT = path.resolve(import.meta.dirname, "../..");
const NGINX = "/usr/sbin/nginx";
/** The clients' own address: not the proxy's (127.0.0.1), so the two cannot be confused. */
const CLIENT_IP = "127.0.0.2";

/** KEY=value lines of the shipped environment file, comments left out. */
export function envFile(file: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2];
  }
  return env;
}

/** `text` with `from` replaced by `to`, which must occur exactly once (the shipped file changed shape otherwise). */
function replaceOnce(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`deploy/nginx/keyward.conf: expected "${from}" once, found it ${parts.length - 1} times`);
  return parts.join(to);
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const agent = new Agent({ keepAlive: true, localAddress: CLIENT_IP });

function call(
  url: string,
  { method = "GET", headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  return new Promise<Reply>((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const { db, url } = await setUpTestDb();
const servers: KeywardServer[] = [];
const METRICS_TOKEN = randomBytes(24).toString("base64url");
let dir = "";
let nginx: ChildProcess | undefined;
let proxy = "";
let actions: BuiltAction[] = [];

async function verifyThroughProxy(key: string, forwardedFor = "198.51.100.9") {
  const res = await call(`${proxy}/api/v1/keys/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-forwarded-for": forwardedFor },
    body: JSON.stringify({ key }),
  });
  const json = JSON.parse(res.text) as { valid: boolean; code?: string };
  return { status: res.status, code: json.valid ? "OK" : (json.code ?? `HTTP ${res.status}`) };
}

/** Until `secret` gets `code` four times running, i.e. from both instances (keys made here reach them by their poll). */
async function settle(secret: string, code: string, forwardedFor?: string) {
  const deadline = Date.now() + 5000;
  for (let streak = 0; streak < 4;) {
    streak = (await verifyThroughProxy(secret, forwardedFor)).code === code ? streak + 1 : 0;
    if (Date.now() > deadline) throw new Error(`the instances do not answer ${code} for a key made by the test after 5 s`);
  }
}

/** A server action through the proxy, as the console's browser code posts it. */
async function action(name: string, input: unknown, session?: string) {
  const built = actions.find((a) => a.name === name);
  if (!built) throw new Error(`no action ${name} in the build`);
  const res = await call(proxy + built.pagePath, {
    method: "POST",
    headers: {
      origin: proxy,
      "sec-fetch-site": "same-origin",
      "sec-fetch-mode": "cors",
      "sec-fetch-dest": "empty",
      accept: "text/x-component",
      "next-action": built.id,
      "content-type": "text/plain;charset=UTF-8",
      ...(session ? { cookie: `${SESSION_COOKIE}=${session}` } : {}),
    },
    body: JSON.stringify([input]),
  });
  const rows = new Map(res.text.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1)] as const));
  // An action Next refuses answers "0:E{digest}" (an error), not a result.
  const first = rows.get("0") ?? "null";
  const head = (first.startsWith("{") ? JSON.parse(first) : null) as { a?: unknown } | null;
  const result = (typeof head?.a === "string" && head.a.startsWith("$@") ? JSON.parse(rows.get(head.a.slice(2)) ?? "null") : head?.a) as {
    ok: boolean;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each call reads the fields its action returns
    data?: any;
  } | null;
  const cookies = [res.headers["set-cookie"] ?? []].flat().join("\n");
  return { status: res.status, result, session: new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(cookies)?.[1] };
}

/** Verifications an instance answered 200, by outcome, from its own /metrics. */
async function verifications(server: KeywardServer): Promise<Record<string, number>> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(res.status).toBe(200);
  const counts: Record<string, number> = {};
  for (const [, outcome, value] of (await res.text()).matchAll(/^keyward_verifications_total\{outcome="([A-Z_]+)"\} (\d+)$/gm)) {
    counts[outcome] = Number(value);
  }
  return counts;
}
const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

// Several instances need a shared database: PostgreSQL.
describe.runIf(testBackend === "postgres")("two instances behind nginx (deploy/nginx/keyward.conf)", () => {
  let org: Awaited<ReturnType<typeof createOrg>>;
  const password = `Pw-${randomBytes(12).toString("base64url")}-zq`;

  beforeAll(async () => {
    org = await createOrg(db, { name: "Proxied", keyPrefix: "px" });
    await db.installation.create({ data: { id: 1 } });
    await db.user.update({ where: { id: org.userId }, data: { passwordHash: await hashPassword(password) } });

    // The instances run with the shipped environment file; what is per deployment (database, ports, secrets) is ours.
    const shipped = envFile(path.join(ROOT, "deploy/systemd/keyward.env.example"));
    expect(shipped.KEYWARD_TRUSTED_PROXIES).toBeTruthy();
    const { DATABASE_URL: _url, KEYWARD_MASTER_KEY: _key, PORT: _port, HOST: _host, ...env } = shipped;
    await ensureAppBuilt();
    actions = builtActions();
    for (let i = 0; i < 2; i++)
      servers.push(await startKeyward({ databaseUrl: url, env: { ...env, KEYWARD_METRICS_TOKEN: METRICS_TOKEN } }));

    dir = mkdtempSync(path.join(tmpdir(), "keyward-nginx-"));
    const port = await freePort();
    proxy = `http://127.0.0.1:${port}`;
    let site = readFileSync(path.join(ROOT, "deploy/nginx/keyward.conf"), "utf8");
    site = replaceOnce(site, "server 127.0.0.1:3000 ", `server ${new URL(servers[0].url).host} `);
    site = replaceOnce(site, "server 127.0.0.1:3001 ", `server ${new URL(servers[1].url).host} `);
    site = replaceOnce(site, "\n    listen 80;\n", `\n    listen 127.0.0.1:${port};\n`);
    site = replaceOnce(site, "/var/log/nginx/keyward.access.log", path.join(dir, "access.log"));
    writeFileSync(path.join(dir, "keyward.conf"), site);
    writeFileSync(
      path.join(dir, "nginx.conf"),
      `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  include ${dir}/keyward.conf;
}
`,
    );
    const args = ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")];
    const checked = spawnSync(NGINX, [...args, "-t"], { encoding: "utf8" });
    expect(checked.status, checked.stderr).toBe(0);
    nginx = spawn(NGINX, args, { stdio: "ignore" });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await call(`${proxy}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`nginx did not start:\n${readFileSync(path.join(dir, "error.log"), "utf8")}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }, 900_000);

  afterAll(async () => {
    agent.destroy();
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx!.once("exit", resolve));
      nginx.kill("SIGTERM");
      await exited;
    }
    for (const server of servers) await server.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("serves the console through the proxy: sign-in, a server action and a page, sessions shared by both instances", async () => {
    const signedIn = await action("signInAction", { email: org.email, password });
    expect(signedIn.status).toBe(200);
    expect(signedIn.result?.ok).toBe(true);
    const session = signedIn.session!;
    expect(session).toBeTruthy();
    // Round-robin: the next requests land on both instances; the session is good on each.
    const created = await action("createKeyAction", { ...baseKeyInput, name: "Made through nginx" }, session);
    expect(created.result?.ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      const page = await call(`${proxy}/keys`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
      expect(page.status).toBe(200);
      expect(page.text).toContain("Made through nginx");
    }
    // The sign-in was audited with the client's address, not the proxy's nor the one the client claimed.
    const audit = await db.auditEvent.findFirst({ where: { orgId: org.orgId, action: "user.signed_in" } });
    expect(audit?.ip).toBe(CLIENT_IP);
  });

  it("records the client's address from X-Forwarded-For walked from the right, not a spoofed leftmost entry", async () => {
    const spoofed = "198.51.100.9";
    const ours = await makeKey(db, org.actor, { name: "Client address only", cidrs: [`${CLIENT_IP}/32`] });
    const theirs = await makeKey(db, org.actor, { name: "Spoofed address only", cidrs: ["198.51.100.0/24"] });
    await settle(ours.secret, "OK", spoofed);
    await settle(theirs.secret, "IP_NOT_ALLOWED", spoofed);
    // Both instances (round-robin) answer the same way, with whatever the client claims left of its address.
    for (let i = 0; i < 4; i++) {
      expect(await verifyThroughProxy(ours.secret, spoofed)).toEqual({ status: 200, code: "OK" });
      expect(await verifyThroughProxy(theirs.secret, `${spoofed}, 203.0.113.5`)).toEqual({ status: 200, code: "IP_NOT_ALLOWED" });
    }
    const recorded = async () => db.usageEvent.findMany({ where: { keyId: { in: [ours.key.id, theirs.key.id] } }, select: { ip: true } });
    const deadline = Date.now() + 5000;
    while ((await recorded()).length < 16 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const events = await recorded();
    expect(events.length).toBeGreaterThanOrEqual(16);
    expect(new Set(events.map((e) => e.ip))).toEqual(new Set([CLIENT_IP]));
  });

  it("refuses a key revoked through instance A within 1 s through the proxy while load runs on both; usage adds up", async () => {
    const [a] = servers;
    const admin = await makeKey(db, org.actor, { name: "Revoker", scopes: [{ action: "admin", resourceFilter: "keys/**" }] });
    const victim = await makeKey(db, org.actor, { name: "Victim" });
    const load = await Promise.all([1, 2, 3, 4].map((n) => makeKey(db, org.actor, { name: `Load ${n}` })));
    const keyIds = [victim.key.id, ...load.map((k) => k.key.id)];
    // Both instances know every key before the clock starts (their poll picks up keys made here within 250 ms).
    for (const { secret } of [victim, ...load]) await settle(secret, "OK");
    await new Promise((resolve) => setTimeout(resolve, 600));
    const eventsBefore = await db.usageEvent.count({ where: { keyId: { in: keyIds } } });
    const rollupsBefore = (await db.usageRollup.aggregate({ where: { keyId: { in: keyIds } }, _sum: { count: true } }))._sum.count ?? 0;
    const metricsBefore = await Promise.all(servers.map(verifications));

    const answers: { key: string; started: number; finished: number; code: string }[] = [];
    let running = true;
    const workers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = w; running; i++) {
        const key = i % 5 === 0 ? victim.secret : load[i % 4].secret;
        const started = performance.now();
        const { status, code } = await verifyThroughProxy(key);
        expect(status).toBe(200);
        answers.push({ key, started, finished: performance.now(), code });
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const revokeSent = performance.now();
    const revoke = await fetch(`${a.url}/api/v1/keys/${victim.key.id}/revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "revoked behind the proxy" }),
    });
    const revokedAt = performance.now();
    expect(revoke.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    running = false;
    await Promise.all(workers);

    const victims = answers.filter((x) => x.key === victim.secret);
    const before = victims.filter((x) => x.finished < revokeSent);
    expect(before.length).toBeGreaterThan(0);
    expect(new Set(before.map((x) => x.code))).toEqual(new Set(["OK"]));
    const late = victims.filter((x) => x.started >= revokedAt + 1000);
    expect(late.length).toBeGreaterThanOrEqual(20);
    expect(late.filter((x) => x.code !== "REVOKED")).toEqual([]);
    const lastOk = Math.max(revokeSent, ...victims.filter((x) => x.code === "OK").map((x) => x.finished));
    console.log(
      `nginx: ${answers.length} verifications in 2.5 s; revoke answered in ${Math.round(revokedAt - revokeSent)} ms, ` +
        `last OK for the revoked key ${Math.round(lastOk - revokeSent)} ms after it was sent`,
    );
    expect(new Set(answers.filter((x) => x.key !== victim.secret).map((x) => x.code))).toEqual(new Set(["OK"]));

    // Both instances answered, and both refused the revoked key: their counters add up to the answers.
    const metricsAfter = await Promise.all(servers.map(verifications));
    const delta = metricsAfter.map((after, i) => total(after) - total(metricsBefore[i]));
    expect(delta[0]).toBeGreaterThan(0);
    expect(delta[1]).toBeGreaterThan(0);
    expect(delta[0] + delta[1]).toBe(answers.length);
    for (const [i, after] of metricsAfter.entries()) expect((after.REVOKED ?? 0) - (metricsBefore[i].REVOKED ?? 0)).toBeGreaterThan(0);

    // Usage from both instances lands once each: raw events and hourly rollups equal the answered requests.
    const wanted = eventsBefore + answers.length;
    const deadline = Date.now() + 5000;
    while ((await db.usageEvent.count({ where: { keyId: { in: keyIds } } })) < wanted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await db.usageEvent.count({ where: { keyId: { in: keyIds } } })).toBe(wanted);
    const rollups = (await db.usageRollup.aggregate({ where: { keyId: { in: keyIds } }, _sum: { count: true } }))._sum.count ?? 0;
    expect(rollups - rollupsBefore).toBe(answers.length);
    const revokedRollups = await db.usageRollup.aggregate({ where: { keyId: victim.key.id, outcome: "REVOKED" }, _sum: { count: true } });
    expect(revokedRollups._sum.count).toBe(victims.filter((x) => x.code === "REVOKED").length);
  });

  it("holds bodies to Keyward's limits and keeps /metrics off the public entry point", async () => {
    const big = await call(`${proxy}/api/v1/keys/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: "x".repeat(5000) }),
    });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.text)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    const api = await call(`${proxy}/api/v1/keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "y".repeat(5 * 1024 * 1024) }),
    });
    expect(api.status).toBe(413);
    expect(JSON.parse(api.text)).toMatchObject({ error: { code: "PAYLOAD_TOO_LARGE" } });
    const page = await call(`${proxy}/login`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "z".repeat(2 * 1024 * 1024),
    });
    expect(page.status).toBe(413);
    const metrics = await call(`${proxy}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(404);
  });

  it("keeps answering through the proxy when an instance stops (its requests go to the other)", async () => {
    const key = await makeKey(db, org.actor, { name: "Outlives an instance" });
    await settle(key.secret, "OK");
    await servers[1].stop();
    const codes = [];
    for (let i = 0; i < 20; i++) codes.push(await verifyThroughProxy(key.secret));
    expect(new Set(codes.map((c) => `${c.status} ${c.code}`))).toEqual(new Set(["200 OK"]));
    const page = await call(`${proxy}/login`);
    expect(page.status).toBe(200);
  });
});
