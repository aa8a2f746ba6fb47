import { describe, expect, it } from "vitest";
import { bucketEdges, bucketize, parseUsageParams, resolveUsageRange } from "@/lib/queries/usage";

const NOW = new Date("2026-03-10T15:27:00Z");

describe("usage ranges and buckets", () => {
  it("presets are whole UTC hours ending with the current one, buckets sized to the range", () => {
    const expected = { "24h": [24, 1], "7d": [56, 3], "30d": [30, 24], "90d": [90, 24] } as const;
    for (const [preset, [count, hours]] of Object.entries(expected)) {
      const range = resolveUsageRange({ range: preset as "24h" }, NOW);
      expect(range.end.toISOString()).toBe("2026-03-10T16:00:00.000Z");
      expect(range.bucketHours).toBe(hours);
      expect(bucketEdges(range)).toHaveLength(count + 1);
    }
  });

  it("custom ranges are widened to hours, clamped to now, never empty; garbage falls back to 7 days", () => {
    const r = resolveUsageRange({ range: "custom", from: "2026-03-01T10:30:00Z", to: "2026-03-02T11:10:00Z" }, NOW);
    expect([r.start.toISOString(), r.end.toISOString(), r.bucketHours]).toEqual([
      "2026-03-01T10:00:00.000Z",
      "2026-03-02T12:00:00.000Z",
      1,
    ]);
    const future = resolveUsageRange({ range: "custom", from: "2027-01-01T00:00:00Z", to: "2027-01-02T00:00:00Z" }, NOW);
    expect(future.end.getTime() - future.start.getTime()).toBe(3_600_000);
    expect(parseUsageParams({ range: "1y", from: "yesterday" })).toEqual({ range: "7d", from: undefined, to: undefined });
  });

  it("bucketize puts each hour in exactly one bucket and ignores unknown outcomes and out-of-range hours", () => {
    const range = resolveUsageRange({ range: "7d" }, NOW);
    const rows = [
      { hour: range.start, outcome: "OK", count: 2 },
      { hour: new Date(range.end.getTime() - 3_600_000), outcome: "REVOKED", count: 3 },
      { hour: range.end, outcome: "OK", count: 100 },
      { hour: range.start, outcome: "SOMETHING_ELSE", count: 100 },
    ];
    const series = bucketize(range, rows);
    expect(series.total).toBe(5);
    expect(series.buckets[0].counts.OK).toBe(2);
    expect(series.buckets.at(-1)!.counts.REVOKED).toBe(3);
    expect(series.perDay).toBeCloseTo(5 / 7);
  });
});
