import { describe, expect, it } from "vitest";
import { exactTime, relativeTime } from "@/components/charts/time-format";

describe("relativeTime", () => {
  const now = new Date("2026-03-02T10:00:00.000Z");
  const at = (ms: number) => new Date(now.getTime() + ms).toISOString();
  const DAY = 86_400_000;

  it("a key created a moment ago with a 90-day lifetime expires 'in 90 days', not 89", () => {
    // created at now - 2 s, so 90 days from creation is a little under 90 days from now
    expect(relativeTime(at(90 * DAY - 2_000), now)).toBe("in 90 days");
    expect(relativeTime(at(30 * DAY - 59_000), now)).toBe("in 30 days");
  });

  it("past, near and missing instants", () => {
    expect(relativeTime(at(-3 * 3_600_000 - 60_000), now)).toBe("3 hours ago");
    expect(relativeTime(at(-20_000), now)).toBe("just now");
    expect(relativeTime(null, now)).toBe("never");
  });

  it("one absolute format", () => {
    expect(exactTime(null)).toBe("—");
    expect(exactTime(now.toISOString())).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  });
});
