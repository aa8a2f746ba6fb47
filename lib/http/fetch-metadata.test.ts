import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isRefusedCrossSite } from "./fetch-metadata";

const root = path.resolve(import.meta.dirname, "../..");
const headers = (h: Record<string, string>) => new Headers({ host: "keys.example.com", ...h });

describe("isRefusedCrossSite", () => {
  it("refuses cross-site requests, navigations included, and same-site requests that are not navigations", () => {
    expect(isRefusedCrossSite("GET", headers({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" }))).toBe(true);
    expect(isRefusedCrossSite("GET", headers({ "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" }))).toBe(true);
    expect(isRefusedCrossSite("GET", headers({ "sec-fetch-site": "same-site", "sec-fetch-mode": "cors" }))).toBe(true);
    expect(isRefusedCrossSite("POST", headers({ "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate" }))).toBe(true);
    expect(isRefusedCrossSite("GET", headers({ origin: "https://evil.example" }))).toBe(true);
  });

  it("passes same-origin requests, navigations, and requests without Fetch Metadata or cookie", () => {
    expect(isRefusedCrossSite("GET", headers({ "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" }))).toBe(false);
    expect(isRefusedCrossSite("GET", headers({ "sec-fetch-site": "none", "sec-fetch-mode": "navigate" }))).toBe(false);
    expect(isRefusedCrossSite("GET", headers({ "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate" }))).toBe(false);
    expect(isRefusedCrossSite("GET", headers({ origin: "https://keys.example.com" }))).toBe(false);
    expect(isRefusedCrossSite("GET", headers({}))).toBe(false);
  });

  it("behind TLS, where browsers always send Fetch Metadata, refuses a request with the session cookie but without it", () => {
    expect(isRefusedCrossSite("GET", headers({ "x-keyward-secure": "1", cookie: "__Host-kw_session=t" }))).toBe(true);
    expect(isRefusedCrossSite("GET", headers({ "x-keyward-secure": "1" }))).toBe(false);
    expect(isRefusedCrossSite("GET", headers({ cookie: "kw_session=t" }))).toBe(false);
  });
});

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name)) : e.name === "route.ts" ? [path.join(dir, e.name)] : [],
  );
}

describe("every route handler that authenticates by the session cookie", () => {
  // The SSO callback is reached by a cross-site navigation from the provider by design, so sessionRoute's Fetch
  // Metadata refusal cannot apply; it reads the cookie only to end the session it replaces, and signs in by `state`.
  const PUBLIC_BY_DESIGN = ["app/sso/callback/route.ts"];
  const cookieRoutes = routeFiles(path.join(root, "app")).filter(
    (f) => /getSessionContext\(|readSessionCookie\(/.test(readFileSync(f, "utf8")) && !PUBLIC_BY_DESIGN.includes(path.relative(root, f)),
  );

  it("is found", () => {
    expect(cookieRoutes.length).toBeGreaterThanOrEqual(3);
  });

  it.each(cookieRoutes.map((f) => path.relative(root, f)))("%s exports only sessionRoute-wrapped handlers", (file) => {
    const source = readFileSync(path.join(root, file), "utf8");
    expect(source).not.toMatch(/export (async )?function (GET|HEAD|POST|PUT|PATCH|DELETE)\b/);
    for (const [, method] of source.matchAll(/export const (GET|HEAD|POST|PUT|PATCH|DELETE) = (\w+)/g)) {
      expect(source, method).toMatch(new RegExp(`export const ${method} = sessionRoute\\(`));
    }
  });
});
