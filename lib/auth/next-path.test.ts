import { describe, expect, it } from "vitest";
import { safeNextPath } from "./next-path";

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
