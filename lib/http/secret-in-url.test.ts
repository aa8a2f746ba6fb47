import { describe, expect, it } from "vitest";
import { generateSecret } from "../keys/secret";
import { urlHoldsSecret, withoutSecrets } from "./secret-in-url";

const secret = generateSecret({ prefix: "kw", env: "live" }).secret;

describe("secrets in URLs", () => {
  it("finds a checksum-valid secret in a path or query string, raw or percent-encoded, alone or inside other text", () => {
    expect(urlHoldsSecret(`/keys?q=${secret}`)).toBe(true);
    expect(urlHoldsSecret(`/api/v1/keys?name=${encodeURIComponent(`leaked ${secret}!`)}`)).toBe(true);
    expect(urlHoldsSecret(`/keys?q=${secret.replace(/_/g, "%5F")}`)).toBe(true);
    expect(urlHoldsSecret(`/login?next=${encodeURIComponent(`/keys?q=${secret}`)}`)).toBe(true);
    expect(urlHoldsSecret(`/keys/${secret}`)).toBe(true);
  });

  it("leaves ordinary URLs alone, a secret-shaped string with a wrong checksum included", () => {
    const wrong = `${secret.slice(0, -1)}${secret.endsWith("A") ? "B" : "A"}`;
    expect(urlHoldsSecret(`/keys?q=${wrong}`)).toBe(false);
    expect(urlHoldsSecret("/keys?q=kw_live_…a1b2&status=all")).toBe(false);
    expect(urlHoldsSecret("/audit?actor=usr_123&from=2026-01-01T00%3A00%3A00.000Z")).toBe(false);
    expect(urlHoldsSecret("/keys?q=%E0%A4%A")).toBe(false);
  });

  it("drops only the parameters that carry one, and the whole path when it does", () => {
    expect(withoutSecrets("/keys", `?q=${secret}&status=all&sort=name`)).toBe("/keys?status=all&sort=name");
    expect(withoutSecrets("/keys", `?q=${secret}`)).toBe("/keys");
    expect(withoutSecrets(`/keys/${secret}`, "?a=1")).toBe("/");
  });
});
