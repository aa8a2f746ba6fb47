import { describe, expect, it } from "vitest";
import { loginPath, safeNextPath } from "./next-path";

describe("safeNextPath", () => {
  it("keeps a same-origin path with its query", () => {
    expect(safeNextPath("/keys/key_abc")).toBe("/keys/key_abc");
    expect(safeNextPath("/audit?key=key_abc&outcome=failed")).toBe("/audit?key=key_abc&outcome=failed");
    expect(safeNextPath(["/usage", "/evil"])).toBe("/usage");
  });

  it("refuses every other origin and anything that could become one", () => {
    for (const next of [
      "//evil.example",
      "//evil.example/keys",
      "https://evil.example",
      "http://evil.example/keys",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
      undefined,
      null,
      "/login",
      "/login?next=/keys",
    ]) {
      expect(safeNextPath(next), String(next)).toBeNull();
    }
  });
});

describe("loginPath", () => {
  it("comes back to the requested page and its query after signing in", () => {
    expect(loginPath("/keys/key_abc?status=revoked")).toBe("/login?next=%2Fkeys%2Fkey_abc%3Fstatus%3Drevoked");
    expect(safeNextPath(decodeURIComponent(loginPath("/audit?key=a&outcome=failed").slice("/login?next=".length)))).toBe(
      "/audit?key=a&outcome=failed",
    );
  });

  it("is the plain sign-in page for no path, the root, the default landing page, or anything not a same-origin path", () => {
    for (const path of [null, undefined, "", "/", "/keys", "//evil.example", "https://evil.example/keys", "/login?next=/keys"]) {
      expect(loginPath(path), String(path)).toBe("/login");
    }
  });
});
