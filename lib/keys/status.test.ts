import { describe, expect, it } from "vitest";
import { EXPIRES_SOON_MS, expiresSoon, keyStatus } from "./status";

const now = new Date("2025-06-01T12:00:00.000Z");
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

describe("keyStatus", () => {
  it.each([
    [{}, "active"],
    [{ revokedAt: null, expiresAt: null }, "active"],
    [{ expiresAt: at(1) }, "active"],
    [{ expiresAt: at(0) }, "expired"],
    [{ expiresAt: at(-1) }, "expired"],
    [{ revokedAt: at(-1000), expiresAt: at(1000) }, "revoked"],
    [{ revokedAt: at(-1000), expiresAt: at(-5000) }, "revoked"],
    [{ revokedAt: at(5000) }, "revoked"],
    [{ expiresAt: new Date("not a date") }, "expired"],
  ] as const)("%j → %s", (lifetime, status) => {
    expect(keyStatus(lifetime, now)).toBe(status);
  });
});

describe("expiresSoon", () => {
  it("is true within the next 7 days only", () => {
    expect(expiresSoon(null, now)).toBe(false);
    expect(expiresSoon(undefined, now)).toBe(false);
    expect(expiresSoon(at(1), now)).toBe(true);
    expect(expiresSoon(at(EXPIRES_SOON_MS), now)).toBe(true);
    expect(expiresSoon(at(EXPIRES_SOON_MS + 1), now)).toBe(false);
    expect(expiresSoon(at(0), now)).toBe(false);
    expect(expiresSoon(at(-1), now)).toBe(false);
    expect(expiresSoon(new Date(Number.NaN), now)).toBe(false);
  });
});
