import { describe, expect, it } from "vitest";
import { DEFAULT_EXPIRY_PRESET, EXPIRY_PRESETS, InvalidExpiryError, parseCustomExpiry, parseExpiry, resolveExpiry } from "./expiry";

const now = new Date("2025-06-01T12:00:00.000Z");
const DAY = 24 * 60 * 60 * 1000;

describe("EXPIRY_PRESETS", () => {
  it("offers the presets with 90 days as the default", () => {
    expect(EXPIRY_PRESETS.map((p) => p.value)).toEqual(["30d", "90d", "1y", "never"]);
    expect(EXPIRY_PRESETS.filter((p) => p.default).map((p) => p.value)).toEqual([DEFAULT_EXPIRY_PRESET]);
    expect(DEFAULT_EXPIRY_PRESET).toBe("90d");
  });
});

describe("resolveExpiry", () => {
  it.each([
    ["30d", new Date(now.getTime() + 30 * DAY)],
    ["90d", new Date(now.getTime() + 90 * DAY)],
    [" 90D ", new Date(now.getTime() + 90 * DAY)],
    ["1y", new Date("2026-06-01T12:00:00.000Z")],
    ["never", null],
    ["Never", null],
    ["1", new Date(now.getTime() + DAY)],
    ["90", new Date(now.getTime() + 90 * DAY)],
    ["365", new Date(now.getTime() + 365 * DAY)],
    ["2025-06-02", new Date("2025-06-02T00:00:00.000Z")],
    ["2030-06-01", new Date("2030-06-01T00:00:00.000Z")],
    ["2025-06-01T12:00:01Z", new Date("2025-06-01T12:00:01.000Z")],
    ["2025-06-01T15:00+02:00", new Date("2025-06-01T13:00:00.000Z")],
    ["2026-01-01T10:00:00.123456Z", new Date("2026-01-01T10:00:00.123Z")],
    ["2030-06-01T12:00:00Z", new Date("2030-06-01T12:00:00.000Z")],
  ])("%j", (input, expected) => {
    expect(resolveExpiry(input, now)).toEqual(expected);
  });

  it("counts 1y in calendar years (29 February rolls over to 1 March)", () => {
    expect(resolveExpiry("1y", new Date("2024-02-29T08:00:00Z"))).toEqual(new Date("2025-03-01T08:00:00Z"));
  });

  it.each([
    ["", "Choose when the key expires"],
    ["0", "A number of days must be between 1 and 365"],
    ["366", "A number of days must be between 1 and 365"],
    ["090", "A number of days must be between 1 and 365"],
    ["2025-06-01", "2025-06-01 (00:00 UTC at the start of that day) is not in the future; pick a later date"],
    ["2024-01-01", "2024-01-01 (00:00 UTC at the start of that day) is not in the future; pick a later date"],
    ["2025-06-01T12:00:00Z", "2025-06-01T12:00:00Z is not in the future; pick a later date"],
    ["2030-06-01T12:00:00.001Z", "The expiry can be at most 5 years from now"],
    ["2031-01-01", "The expiry can be at most 5 years from now"],
    ["2026-02-29", "2026-02-29 is not a real calendar date"],
    ["2026-13-01", "2026-13-01 is not a real calendar date"],
    ["2026-01-01T24:00:00Z", "2026-01-01T24:00:00Z is not a real date and time"],
    ["2026-01-01T10:60Z", "2026-01-01T10:60Z is not a real date and time"],
    ["2026-01-01T10:00:00+25:00", "2026-01-01T10:00:00+25:00 has an invalid time zone offset"],
    ["2026-01-01T10:00", "Add a time zone to 2026-01-01T10:00, e.g. 2026-01-01T10:00Z for UTC"],
    ["2026-01-01 10:00", "Add a time zone to 2026-01-01 10:00, e.g. 2026-01-01T10:00Z for UTC"],
    [
      "2026-01-01T10:00:00z",
      '"2026-01-01T10:00:00z" is not a valid expiry; use 30d, 90d, 1y, never, a number of days (1–365), YYYY-MM-DD or an ISO date-time',
    ],
    ["soon", '"soon" is not a valid expiry; use 30d, 90d, 1y, never, a number of days (1–365), YYYY-MM-DD or an ISO date-time'],
    ["-5", '"-5" is not a valid expiry; use 30d, 90d, 1y, never, a number of days (1–365), YYYY-MM-DD or an ISO date-time'],
    ["7d", '"7d" is not a valid expiry; use 30d, 90d, 1y, never, a number of days (1–365), YYYY-MM-DD or an ISO date-time'],
  ])("rejects %j", (input, message) => {
    expect(parseExpiry(input, now)).toEqual({ ok: false, error: message });
    expect(() => resolveExpiry(input, now)).toThrow(new InvalidExpiryError(message));
  });

  it("rejects a 10k-character input with a clean message", () => {
    expect(parseExpiry("9".repeat(10_000), now)).toEqual({ ok: false, error: "That expiry is too long to be a date" });
  });

  it("rejects non-strings without throwing in parseExpiry", () => {
    expect(parseExpiry(undefined, now)).toEqual({ ok: false, error: "Choose when the key expires" });
    expect(() => resolveExpiry(42 as unknown as string, now)).toThrow(InvalidExpiryError);
  });
});

describe("parseCustomExpiry", () => {
  it("only takes dates", () => {
    expect(parseCustomExpiry("2025-07-01T00:00:00Z", now)).toEqual({ ok: true, expiresAt: new Date("2025-07-01T00:00:00Z") });
    expect(parseCustomExpiry("90", now)).toEqual({
      ok: false,
      error: "Enter a date such as 2030-01-31 or 2030-01-31T17:00:00Z",
    });
    expect(parseCustomExpiry("never", now).ok).toBe(false);
    expect(parseCustomExpiry(undefined, now)).toEqual({ ok: false, error: "Pick a date and time" });
    expect(parseCustomExpiry("  ", now)).toEqual({ ok: false, error: "Pick a date and time" });
    expect(parseCustomExpiry("2".repeat(10_000), now)).toEqual({ ok: false, error: "That is too long to be a date" });
  });
});
