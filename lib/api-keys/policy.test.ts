import { describe, expect, it } from "vitest";
import { violationsOfEdit } from "./policy";

// The rule both the edit service (lib/api-keys/edit-key.ts) and the edit form's notice refuse by.
describe("violationsOfEdit", () => {
  const violations = {
    expiry: "requires an expiry date",
    cidrs: "forbids allowing every address",
    rateLimits: "requires a rate limit",
  };

  it("keeps nothing for an edit that changes no field a broken rule reads (a rename)", () => {
    expect(violationsOfEdit(violations, (field) => field === "name")).toEqual({});
  });

  it("keeps the violation of each rule whose field the edit changes, and only those", () => {
    expect(violationsOfEdit(violations, (field) => field === "expiresAt")).toEqual({ expiry: violations.expiry });
    expect(violationsOfEdit(violations, (field) => field === "cidrs" || field === "owner")).toEqual({ cidrs: violations.cidrs });
  });

  it("checks the rate-limit rule again when the edit changes the key's tier, not only its own limits", () => {
    expect(violationsOfEdit(violations, (field) => field === "tier")).toEqual({ rateLimits: violations.rateLimits });
    expect(violationsOfEdit(violations, (field) => field === "rateLimits")).toEqual({ rateLimits: violations.rateLimits });
  });
});
