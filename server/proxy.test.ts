import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalProxy } from "./proxy";

const dir = mkdtempSync(path.join(tmpdir(), "keyward-proxy-"));
const socketPath = path.join(dir, "upstream.sock");
let upstream: Server;
let front: Server;
let base: string;
let answered = 0;
const seen: { method?: string; url?: string; headers: Record<string, unknown>; body: string }[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === "/stall") return;
      if (req.url === "/no-allow") {
        res.writeHead(405);
        return res.end();
      }
      if (req.url === "/stream") {
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("first,");
        setTimeout(() => res.end("second"), 50);
        return;
      }
      res.writeHead(
        201,
        [
          ["set-cookie", "a=1"],
          ["set-cookie", "b=2"],
          ["x-upstream", "yes"],
          ["keep-alive", "timeout=99"],
        ].flat(),
      );
      res.end(`echo:${body}`);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(socketPath, resolve));
  const proxy = createLocalProxy({
    socketPath,
    beforeResponse: () => (answered += 1),
    bodyLimit: () => 1000,
    idleTimeoutMs: 300,
    allowFor: (path) => Promise.resolve(path === "/no-allow" ? "GET, HEAD" : ""),
  });
  // Like server.ts, which names every answer's request before the proxy runs.
  front = createServer((req, res) => {
    res.setHeader("x-request-id", "r-1");
    proxy(req, res);
  });
  await new Promise<void>((resolve) => front.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
});
afterAll(async () => {
  front.closeAllConnections();
  await new Promise((resolve) => front.close(resolve));
  await new Promise((resolve) => upstream.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

describe("createLocalProxy", () => {
  it("forwards method, path, Host and body; returns status, every Set-Cookie beside the headers set before, and end-to-end headers only", async () => {
    // node:http, not fetch: fetch refuses to send a Connection header naming other headers.
    const res = await new Promise<{ status?: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = request(
        `${base}/api/x?y=1`,
        { method: "POST", headers: { "x-client": "c", connection: "close, x-drop", "x-drop": "1" } },
        (r) => {
          let body = "";
          r.on("data", (c) => (body += c));
          r.on("end", () => resolve({ status: r.statusCode, headers: r.headers, body }));
        },
      );
      req.on("error", reject);
      req.end("hello");
    });
    expect(res.status).toBe(201);
    expect(res.body).toBe("echo:hello");
    expect(res.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
    expect(res.headers["x-upstream"]).toBe("yes");
    expect(res.headers["x-request-id"]).toBe("r-1");
    // The upstream's keep-alive header is about its own connection, not the client's.
    expect(res.headers["keep-alive"]).toBeUndefined();
    const forwarded = seen.at(-1)!;
    expect(forwarded).toMatchObject({ method: "POST", url: "/api/x?y=1", body: "hello" });
    expect(forwarded.headers).toMatchObject({ host: new URL(base).host, "x-client": "c" });
    expect(forwarded.headers["x-drop"]).toBeUndefined();
    expect(answered).toBeGreaterThan(0);
  });

  it("streams the answer as it comes", async () => {
    const res = await fetch(`${base}/stream`);
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe("first,");
    let rest = "";
    for (let part = await reader.read(); !part.done; part = await reader.read()) rest += new TextDecoder().decode(part.value);
    expect(rest).toBe("second");
  });

  it("answers 502 when the upstream is gone", async () => {
    const orphan = createServer(createLocalProxy({ socketPath: path.join(dir, "nobody.sock") }));
    await new Promise<void>((resolve) => orphan.listen(0, "127.0.0.1", resolve));
    const res = await fetch(`http://127.0.0.1:${(orphan.address() as AddressInfo).port}/`);
    expect(res.status).toBe(502);
    expect(await res.text()).toMatch(/not available/);
    orphan.closeAllConnections();
    await new Promise((resolve) => orphan.close(resolve));
  });

  it("cuts a chunked body with 413 once it passes the limit, and closes the connection", async () => {
    const res = await new Promise<{ status?: number; closed: boolean }>((resolve, reject) => {
      let status: number | undefined;
      const req = request(`${base}/api/x`, { method: "POST", headers: { "transfer-encoding": "chunked" } }, (r) => {
        status = r.statusCode;
        r.resume();
      });
      req.on("error", () => resolve({ status, closed: true }));
      req.on("close", () => resolve({ status, closed: true }));
      const pump = () => {
        for (let i = 0; i < 2000 && !req.destroyed; i++) if (!req.write("x".repeat(100))) return void req.once("drain", pump);
        req.end();
      };
      pump();
      setTimeout(() => reject(new Error("not cut")), 5000);
    });
    expect(res).toEqual({ status: 413, closed: true });
  });

  it("answers 504 when the upstream stays silent past the idle timeout", async () => {
    const started = Date.now();
    const res = await fetch(`${base}/stall`);
    expect(res.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("adds Allow to an upstream 405 that has none", async () => {
    const res = await fetch(`${base}/no-allow`);
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
  });
});
