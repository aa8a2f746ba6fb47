// The HTTP layer of the real server (server.ts → proxy → Next on its thread), from outside: bodies are cut at
// their limit as they stream, slow clients are cut in bounded time, methods and media types are checked, and
// cookie-authenticated route handlers refuse cross-site requests. One server for the file, with short timeouts.
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_BODY_MAX_BYTES, CONSOLE_BODY_MAX_BYTES } from "@/lib/http/limits";
import { seedApiOrg, seedKey } from "../api/helpers";
import { setUpTestDb } from "../support/db";
import { addMember } from "../support/members";
import { ensureAppBuilt, startKeyward, type KeywardServer } from "../support/keyward-server";

const REQUEST_TIMEOUT_MS = 3_000;
const HEADERS_TIMEOUT_MS = 2_000;
// connectionsCheckingInterval (1 s) plus scheduling slack on a busy machine.
const SLACK_MS = 2_500;

const { db, url } = await setUpTestDb();
let server: KeywardServer;
let base: string;
let port: number;
let org: Awaited<ReturnType<typeof seedApiOrg>>;
let cookie: string;
let keyId: string;
let keySecret: string;

beforeAll(async () => {
  await ensureAppBuilt();
  org = await seedApiOrg(db, { keyPrefix: "hh" });
  const admin = await addMember(db, org.orgId, "admin");
  cookie = `kw_session=${admin.token}`;
  const key = await seedKey(db, org.actor, { name: "Probe" });
  keyId = key.id;
  keySecret = key.secret;
  server = await startKeyward({
    databaseUrl: url,
    env: { KEYWARD_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), KEYWARD_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS) },
  });
  base = server.url;
  port = Number(new URL(base).port);
}, 900_000);
afterAll(async () => {
  await server?.stop();
});

function rssBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+) kB/);
  return Number(line![1]) * 1024;
}

interface Upload {
  status: number;
  contentType: string;
  body: string;
  /** Body bytes written before the server answered or closed. */
  sent: number;
}

/** Streams up to `total` bytes as a chunked body (no Content-Length), as fast as the server takes them, until an answer. */
function chunkedUpload(path: string, headers: Record<string, string>, total = 100 * 1024 * 1024): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    let answered = false;
    const req = httpRequest(`${base}${path}`, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      answered = true;
      const sentBeforeAnswer = sent;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (body += c));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"]), body, sent: sentBeforeAnswer });
        req.destroy();
      });
      res.on("error", reject);
    });
    // The server closing its side mid-upload is expected; the answer it sent first is what counts.
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

describe("request bodies are counted as they stream and cut at their limit", () => {
  const json = { "content-type": "application/json" };
  const targets = (): { kind: string; path: string; headers: Record<string, string>; limit: number }[] => [
    {
      kind: "management API",
      path: "/api/v1/keys",
      headers: { ...json, authorization: `Bearer ${org.admin.secret}` },
      limit: API_BODY_MAX_BYTES,
    },
    {
      kind: "server action",
      path: "/settings",
      headers: { cookie, "next-action": "7f".padEnd(42, "0"), "content-type": "text/plain;charset=UTF-8", origin: base },
      limit: CONSOLE_BODY_MAX_BYTES,
    },
    { kind: "console route handler", path: `/keys/${keyId}/activity`, headers: { cookie, ...json }, limit: CONSOLE_BODY_MAX_BYTES },
    { kind: "another page's path", path: "/keys", headers: { cookie, "content-type": "text/plain" }, limit: CONSOLE_BODY_MAX_BYTES },
    { kind: "verify", path: "/api/v1/keys/verify", headers: json, limit: 4096 },
  ];

  it("answers 413 to 100 MB chunked bodies to every kind of endpoint after reading little more than the limit, RSS flat", async () => {
    for (const { kind, path, headers, limit } of targets()) {
      // A small body first: the first request of a route loads its code (tens of MB on a lean server), which is
      // not what this measures.
      await chunkedUpload(path, headers, 1024);
      const before = rssBytes(server.pid);
      const upload = await chunkedUpload(path, headers);
      const grown = rssBytes(server.pid) - before;
      expect.soft(upload.status, kind).toBe(413);
      expect.soft(upload.body, kind).toMatch(/too large|limited to/);
      if (path.startsWith("/api/")) expect.soft(upload.contentType, kind).toBe("application/json; charset=utf-8");
      // Answered once the limit is passed, not after the whole body; socket buffers hold a few MB more.
      expect.soft(upload.sent, kind).toBeLessThan(limit + 16 * 1024 * 1024);
      expect.soft(grown, `${kind}: RSS grew by ${Math.round(grown / 1e6)} MB`).toBeLessThan(40 * 1024 * 1024);
    }
  });

  it("refuses a declared Content-Length over the limit before reading it", async () => {
    const upload = await new Promise<Upload>((resolve, reject) => {
      const req = httpRequest(
        `${base}/api/v1/keys`,
        { method: "POST", headers: { "content-type": "application/json", "content-length": String(API_BODY_MAX_BYTES + 1) } },
        (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, contentType: String(res.headers["content-type"]), body: "", sent: 0 });
        },
      );
      req.on("error", reject);
      req.write("{");
    });
    expect(upload.status).toBe(413);
  });

  it("still takes a body under the limit", async () => {
    const res = await fetch(`${base}/api/v1/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${org.admin.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "Under the limit", expiry: { preset: "30d" }, scopes: [{ action: "read", resourceFilter: "x/**" }] }),
    });
    expect(res.status).toBe(201);
  });
});

/** A POST whose headers arrive at once and whose body trickles one byte every `everyMs`; resolves when closed. */
function trickle(path: string, everyMs: number, { slowHeaders = false } = {}): { closed: Promise<number>; socket: Socket } {
  const started = Date.now();
  const socket = connect(port, "127.0.0.1");
  // Under every limit (verify takes 4 KiB): the body is only slow, never too large.
  const length = path.endsWith("/verify") ? 4000 : 100_000;
  const head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n${path.startsWith("/api/v1/keys/") ? "" : `Authorization: Bearer ${org.admin.secret}\r\n`}`;
  let timer: NodeJS.Timeout;
  socket.on("connect", () => {
    let i = 0;
    socket.write(slowHeaders ? `GET ${path} HTTP/1.1\r\n` : `${head}\r\n`);
    timer = setInterval(() => socket.writable && socket.write(slowHeaders ? `X-Slow-${i++}: 1\r\n` : "a"), everyMs);
  });
  socket.on("error", () => {});
  socket.resume();
  const closed = new Promise<number>((resolve) =>
    socket.on("close", () => {
      clearInterval(timer);
      resolve(Date.now() - started);
    }),
  );
  return { closed, socket };
}

async function verifyLatencies(n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${base}/api/v1/keys/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ key: keySecret }),
    });
    await res.text();
    out.push(performance.now() - t);
  }
  return out.sort((a, b) => a - b);
}

const median = (sorted: number[]) => sorted[Math.floor(sorted.length / 2)];

describe("slow clients are cut within the documented bound", () => {
  it("closes connections whose body trickles in, within requestTimeout (+1 s check), to Next and to verify alike", async () => {
    const slow = [
      ...Array.from({ length: 20 }, () => trickle("/api/v1/keys", 300)),
      ...Array.from({ length: 10 }, () => trickle("/settings", 300)),
      ...Array.from({ length: 10 }, () => trickle("/api/v1/keys/verify", 300)),
    ];
    const closedAfter = await Promise.all(
      slow.map((s) => Promise.race([s.closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 15_000))])),
    );
    for (const s of slow) s.socket.destroy();
    for (const ms of closedAfter) expect(ms).toBeLessThan(REQUEST_TIMEOUT_MS + SLACK_MS);
  });

  it("closes connections whose headers trickle in, within headersTimeout (+1 s check)", async () => {
    const slow = Array.from({ length: 10 }, () => trickle("/login", 300, { slowHeaders: true }));
    const closedAfter = await Promise.all(
      slow.map((s) => Promise.race([s.closed, new Promise<number>((r) => setTimeout(() => r(Infinity), 15_000))])),
    );
    for (const s of slow) s.socket.destroy();
    for (const ms of closedAfter) expect(ms).toBeLessThan(HEADERS_TIMEOUT_MS + SLACK_MS);
  });

  it("keeps verify's latency while 500 slow clients trickle bodies", async () => {
    await verifyLatencies(50);
    const calm = await verifyLatencies(200);
    // At verify itself, on its own thread: the worst case for it (the API answers 401 before reading a body).
    const slow = Array.from({ length: 500 }, () => trickle("/api/v1/keys/verify", 1_000));
    // Once the 500 connections are open (their first bytes cost a burst), and before requestTimeout cuts them.
    await new Promise((r) => setTimeout(r, 1_000));
    const loaded = await verifyLatencies(150);
    expect(slow.filter((s) => !s.socket.destroyed).length).toBe(500);
    for (const s of slow) s.socket.destroy();
    // A shared 2-core machine, and the trickle comes from this same process: "does not move" is judged on the
    // median, within noise, not on the tail.
    expect(median(loaded), `median calm ${median(calm).toFixed(2)} ms, under trickle ${median(loaded).toFixed(2)} ms`).toBeLessThan(
      Math.max(median(calm) * 2, median(calm) + 5),
    );
  });
});

describe("methods and media types", () => {
  it("answers TRACE and unknown methods 405 with Allow, on pages, route handlers and the API", async () => {
    for (const [method, path, allow] of [
      ["TRACE", "/login", "GET, HEAD, POST"],
      ["PROPFIND", "/keys", "GET, HEAD, POST"],
      ["TRACE", "/api/v1/keys", "GET, HEAD, OPTIONS, POST"],
      ["DELETE", "/api/v1/keys", "GET, HEAD, OPTIONS, POST"],
      ["PUT", `/api/v1/keys/${keyId}`, "GET, HEAD, OPTIONS, PATCH"],
      ["POST", `/keys/${keyId}/activity`, "GET, HEAD, OPTIONS"],
      ["GET", "/api/v1/keys/verify", "POST"],
    ] as const) {
      const res = await new Promise<{ status: number; allow?: string }>((resolve, reject) => {
        const req = httpRequest(`${base}${path}`, { method }, (r) => {
          r.resume();
          resolve({ status: r.statusCode ?? 0, allow: r.headers.allow });
        });
        req.on("error", reject);
        req.end();
      });
      expect(res, `${method} ${path}`).toEqual({ status: 405, allow });
    }
  });

  it("answers 415 to a JSON endpoint's body without Content-Type: application/json, and changes nothing", async () => {
    const body = JSON.stringify({ name: "Sent as text", expiry: { preset: "30d" }, scopes: [{ action: "read", resourceFilter: "x/**" }] });
    for (const type of ["text/plain", "application/x-www-form-urlencoded", undefined]) {
      const res = await fetch(`${base}/api/v1/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${org.admin.secret}`, ...(type ? { "content-type": type } : {}) },
        body: type === undefined ? Buffer.from(body) : body,
      });
      expect(res.status, String(type)).toBe(415);
      expect((await res.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    }
    expect(await db.apiKey.count({ where: { name: "Sent as text" } })).toBe(0);
    const verify = await fetch(`${base}/api/v1/keys/verify`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ key: keySecret }),
    });
    expect(verify.status).toBe(415);
    expect((await verify.json()).error.code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const withCharset = await fetch(`${base}/api/v1/keys/verify`, {
      method: "POST",
      headers: { "content-type": "Application/JSON; charset=utf-8" },
      body: JSON.stringify({ key: keySecret }),
    });
    expect((await withCharset.json()).valid).toBe(true);
  });

  it("keeps text/plain where it is documented: the leak-scan body", async () => {
    const res = await fetch(`${base}/api/v1/keys/revoke-leaked`, {
      method: "POST",
      headers: { authorization: `Bearer ${org.admin.secret}`, "content-type": "text/plain" },
      body: "nothing leaked here",
    });
    expect(res.status).toBe(200);
  });

  it("says charset=utf-8 on every JSON answer", async () => {
    const auth = { authorization: `Bearer ${org.admin.secret}` };
    const answers = [
      await fetch(`${base}/api/v1/keys`, { headers: auth }),
      await fetch(`${base}/api/v1/keys`),
      await fetch(`${base}/api/v1/openapi.json`),
      await fetch(`${base}/keys/${keyId}/activity`, { headers: { cookie } }),
      await fetch(`${base}/usage/data?keyId=${keyId}`, { headers: { cookie } }),
      await fetch(`${base}/api/v1/keys/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
    ];
    for (const res of answers) expect(res.headers.get("content-type"), res.url).toBe("application/json; charset=utf-8");
  });
});

// node:http, not fetch: fetch sets Sec-Fetch-Mode itself.
function statusOf(path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${path}`, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("cookie-authenticated route handlers refuse cross-site requests (Fetch Metadata)", () => {
  const routes = () => ["/audit/export", `/usage/data?keyId=${keyId}`, `/keys/${keyId}/activity`];

  it("refuses Sec-Fetch-Site: cross-site and a foreign Origin, and same-site requests that are not navigations", async () => {
    for (const path of routes()) {
      for (const headers of [
        { "sec-fetch-site": "cross-site", "sec-fetch-mode": "cors", "sec-fetch-dest": "empty" } as Record<string, string>,
        { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
        { "sec-fetch-site": "same-site", "sec-fetch-mode": "no-cors", "sec-fetch-dest": "image" },
        { origin: "https://evil.example" },
      ]) {
        expect(await statusOf(path, { cookie, ...headers }), `${path} ${JSON.stringify(headers)}`).toBe(403);
      }
    }
  });

  it("answers same-origin requests, navigations and non-browsers (no Fetch Metadata) as before", async () => {
    for (const path of routes()) {
      for (const headers of [
        { "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" } as Record<string, string>,
        { "sec-fetch-site": "none", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
        { "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" },
        {},
      ]) {
        expect(await statusOf(path, { cookie, ...headers }), `${path} ${JSON.stringify(headers)}`).toBe(200);
      }
    }
  });
});
