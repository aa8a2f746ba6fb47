import { describe, expect, it } from "vitest";
// @ts-expect-error -- plain ESM JavaScript without type declarations
import { expiryInput, scopesInput } from "../../cli/options.mjs";
// @ts-expect-error -- plain ESM JavaScript without type declarations
import { exitCodeForStatus } from "../../cli/errors.mjs";

describe("CLI flags → API input", () => {
  it("turns -s values into scopes; the action is before the first colon", () => {
    expect(scopesInput(["read:projects/**,write:deploys/*", "admin"])).toEqual([
      { action: "read", resourceFilter: "projects/**" },
      { action: "write", resourceFilter: "deploys/*" },
      { action: "admin", resourceFilter: "" },
    ]);
    expect(scopesInput(["read:tenants/a:b"])).toEqual([{ action: "read", resourceFilter: "tenants/a:b" }]);
  });

  it("turns --expires into the create schema's expiry", () => {
    const now = Date.UTC(2026, 0, 1);
    expect(expiryInput("90d", now)).toEqual({ preset: "90d" });
    expect(expiryInput("NEVER", now)).toEqual({ preset: "never" });
    expect(expiryInput("45d", now)).toEqual({ preset: "custom", customAt: "2026-02-15T00:00:00.000Z" });
    expect(expiryInput("7", now)).toEqual({ preset: "custom", customAt: "2026-01-08T00:00:00.000Z" });
    expect(expiryInput("2027-03-01", now)).toEqual({ preset: "custom", customAt: "2027-03-01" });
    expect(() => expiryInput("400d", now)).toThrow(/between 1 and 365/);
  });

  it("maps HTTP statuses to the documented exit codes", () => {
    expect([401, 403, 404, 409, 422, 429, 500, 503].map(exitCodeForStatus)).toEqual([2, 2, 3, 4, 4, 1, 5, 5]);
  });
});
