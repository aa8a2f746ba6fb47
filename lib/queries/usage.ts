import { z } from "zod";
import type { Db, Prisma } from "../db/client";
import { HOUR_MS, hourOf } from "../usage/rollup";
import { ALLOWED_OUTCOME, USAGE_OUTCOMES, isUsageOutcome, type UsageOutcome } from "../usage/outcomes";

// Reads for the usage charts. Request counts over time come from the hourly rollups (UsageRollup), never
// from raw events: a 30-day org-wide chart sums a few thousand rollup groups however many requests there
// were (bench/usage-chart.ts measures both). Breakdowns the rollups cannot answer (action/resource, IP,
// user agent) read raw events, bounded to the latest RAW_SAMPLE_LIMIT of the range.

export const USAGE_PRESETS = ["24h", "7d", "30d", "90d"] as const;
export type UsagePreset = (typeof USAGE_PRESETS)[number];
export const USAGE_PRESET_LABELS: Record<UsagePreset, string> = { "24h": "24 hours", "7d": "7 days", "30d": "30 days", "90d": "90 days" };
const PRESET_HOURS: Record<UsagePreset, number> = { "24h": 24, "7d": 7 * 24, "30d": 30 * 24, "90d": 90 * 24 };

/** Bucket sizes in hours; the smallest one that keeps a chart at or under MAX_BUCKETS bars is used. */
export const BUCKET_HOURS = [1, 3, 6, 24, 168] as const;
export const MAX_BUCKETS = 100;
/** The longest custom range (rollups are kept per hour; a year of them is still a bounded scan). */
export const MAX_RANGE_HOURS = 400 * 24;
export const RAW_SAMPLE_LIMIT = 50_000;
export const TOP_LIMIT = 10;

const isoInstant = z.iso.datetime({ offset: true }).optional().catch(undefined);

/** The usage view's range as it lives in the URL: a preset, or range=custom with ISO instants. */
export const usageParamsSchema = z.object({
  range: z.enum([...USAGE_PRESETS, "custom"]).catch("7d"),
  from: isoInstant,
  to: isoInstant,
});
export type UsageParams = z.output<typeof usageParamsSchema>;

export function parseUsageParams(search: Record<string, string | string[] | undefined>): UsageParams {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return usageParamsSchema.parse({ range: first(search.range) ?? "7d", from: first(search.from), to: first(search.to) });
}

/** What the org-wide usage view shows: one key's requests, and requests of one outcome (or every denial). */
export const USAGE_OUTCOME_FILTERS = ["denied", ...USAGE_OUTCOMES] as const;
export type UsageOutcomeFilter = (typeof USAGE_OUTCOME_FILTERS)[number];

export const usageFilterSchema = z.object({
  key: z
    .string()
    .regex(/^key_[A-Za-z0-9]{20}$/)
    .optional()
    .catch(undefined),
  outcome: z.enum(USAGE_OUTCOME_FILTERS).optional().catch(undefined),
});
export type UsageFilter = z.output<typeof usageFilterSchema>;

export function parseUsageFilter(search: Record<string, string | string[] | undefined>): UsageFilter {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return usageFilterSchema.parse({ key: first(search.key), outcome: first(search.outcome) });
}

/** The outcomes an outcome filter keeps; undefined keeps every outcome. */
export function outcomesOf(filter: UsageOutcomeFilter | undefined): UsageOutcome[] | undefined {
  if (!filter) return undefined;
  return filter === "denied" ? USAGE_OUTCOMES.filter((o) => o !== ALLOWED_OUTCOME) : [filter];
}

/** The query string of a usage view: range, then filters (for links, the URL and the CSV export). */
export function usageSearch(params: UsageParams, filter: UsageFilter): URLSearchParams {
  const search = new URLSearchParams({ range: params.range });
  if (params.range === "custom" && params.from && params.to) {
    search.set("from", params.from);
    search.set("to", params.to);
  }
  if (filter.key) search.set("key", filter.key);
  if (filter.outcome) search.set("outcome", filter.outcome);
  return search;
}

export interface UsageRange {
  preset: UsagePreset | "custom";
  /** Inclusive start, on a UTC hour. */
  start: Date;
  /** Exclusive end, on a UTC hour. */
  end: Date;
  bucketHours: number;
}

export function bucketHoursFor(spanHours: number): number {
  return BUCKET_HOURS.find((hours) => spanHours / hours <= MAX_BUCKETS) ?? BUCKET_HOURS[BUCKET_HOURS.length - 1];
}

/**
 * Whole UTC hours ending with the current one (so "24 hours" includes the requests of the last minutes).
 * A custom range is widened to whole hours and clamped to [1 hour, MAX_RANGE_HOURS], ending no later than now.
 */
export function resolveUsageRange(params: UsageParams, now: Date): UsageRange {
  const currentEnd = new Date(hourOf(now).getTime() + HOUR_MS);
  if (params.range === "custom" && params.from && params.to) {
    let start = hourOf(new Date(params.from));
    let end = new Date(Math.ceil(new Date(params.to).getTime() / HOUR_MS) * HOUR_MS);
    if (end > currentEnd) end = currentEnd;
    if (start >= end) start = new Date(end.getTime() - HOUR_MS);
    if (end.getTime() - start.getTime() > MAX_RANGE_HOURS * HOUR_MS) start = new Date(end.getTime() - MAX_RANGE_HOURS * HOUR_MS);
    const spanHours = (end.getTime() - start.getTime()) / HOUR_MS;
    return { preset: "custom", start, end, bucketHours: bucketHoursFor(spanHours) };
  }
  const preset = params.range === "custom" ? "7d" : params.range;
  const hours = PRESET_HOURS[preset];
  return { preset, start: new Date(currentEnd.getTime() - hours * HOUR_MS), end: currentEnd, bucketHours: bucketHoursFor(hours) };
}

export type OutcomeCounts = Record<UsageOutcome, number>;

export function emptyCounts(): OutcomeCounts {
  return Object.fromEntries(USAGE_OUTCOMES.map((o) => [o, 0])) as OutcomeCounts;
}

export interface UsageBucket {
  /** ISO instants; the client formats them in the viewer's time zone. */
  start: string;
  end: string;
  counts: OutcomeCounts;
  total: number;
}

export interface UsageSeries {
  start: string;
  end: string;
  bucketHours: number;
  buckets: UsageBucket[];
  totals: OutcomeCounts;
  total: number;
  /** total ÷ the range's length in days. */
  perDay: number;
}

/** Buckets counted back from the range's end, so all but possibly the first have the same length. */
export function bucketEdges(range: Pick<UsageRange, "start" | "end" | "bucketHours">): Date[] {
  const size = range.bucketHours * HOUR_MS;
  const edges: Date[] = [range.end];
  for (let t = range.end.getTime() - size; t > range.start.getTime(); t -= size) edges.unshift(new Date(t));
  edges.unshift(range.start);
  return edges;
}

export interface HourlyCount {
  hour: Date;
  outcome: string;
  count: number;
}

/** Pure: hourly (hour, outcome, count) rows into the range's buckets. Unknown outcomes are left out. */
export function bucketize(range: UsageRange, rows: readonly HourlyCount[]): UsageSeries {
  const edges = bucketEdges(range);
  const buckets: UsageBucket[] = edges.slice(0, -1).map((start, i) => ({
    start: start.toISOString(),
    end: edges[i + 1].toISOString(),
    counts: emptyCounts(),
    total: 0,
  }));
  const totals = emptyCounts();
  const size = range.bucketHours * HOUR_MS;
  const endMs = range.end.getTime();
  let total = 0;
  for (const row of rows) {
    const t = row.hour.getTime();
    if (!isUsageOutcome(row.outcome) || t < range.start.getTime() || t >= endMs) continue;
    const fromEnd = Math.floor((endMs - 1 - t) / size);
    const bucket = buckets[buckets.length - 1 - fromEnd];
    bucket.counts[row.outcome] += row.count;
    bucket.total += row.count;
    totals[row.outcome] += row.count;
    total += row.count;
  }
  const days = (endMs - range.start.getTime()) / (24 * HOUR_MS);
  return {
    start: range.start.toISOString(),
    end: range.end.toISOString(),
    bucketHours: range.bucketHours,
    buckets,
    totals,
    total,
    perDay: days > 0 ? total / days : 0,
  };
}

export interface UsageScope {
  keyId?: string;
  /** Only these outcomes (all when absent). */
  outcomes?: UsageOutcome[];
}

function rollupWhere(orgId: string, range: Pick<UsageRange, "start" | "end">, scope: UsageScope): Prisma.UsageRollupWhereInput {
  return {
    orgId,
    ...(scope.keyId ? { keyId: scope.keyId } : {}),
    ...(scope.outcomes ? { outcome: { in: scope.outcomes } } : {}),
    hour: { gte: range.start, lt: range.end },
  };
}

/** Requests per (hour, outcome) from the rollups: the query the chart's speed rests on. */
export async function hourlyUsage(
  db: Db,
  orgId: string,
  range: Pick<UsageRange, "start" | "end">,
  scope: UsageScope = {},
): Promise<HourlyCount[]> {
  const groups = await db.usageRollup.groupBy({
    by: ["hour", "outcome"],
    where: rollupWhere(orgId, range, scope),
    _sum: { count: true },
  });
  return groups.map((g) => ({ hour: g.hour, outcome: g.outcome, count: g._sum.count ?? 0 }));
}

export async function getUsageSeries(db: Db, orgId: string, range: UsageRange, scope: UsageScope = {}): Promise<UsageSeries> {
  return bucketize(range, await hourlyUsage(db, orgId, range, scope));
}

export interface TopKey {
  keyId: string;
  name: string;
  display: string;
  total: number;
  allowed: number;
  denied: number;
}

export async function getTopKeys(db: Db, orgId: string, range: UsageRange, scope: UsageScope = {}, limit = TOP_LIMIT): Promise<TopKey[]> {
  const groups = await db.usageRollup.groupBy({
    by: ["keyId", "outcome"],
    where: rollupWhere(orgId, range, scope),
    _sum: { count: true },
  });
  const perKey = new Map<string, { total: number; allowed: number }>();
  for (const g of groups) {
    const entry = perKey.get(g.keyId) ?? { total: 0, allowed: 0 };
    const count = g._sum.count ?? 0;
    entry.total += count;
    if (g.outcome === ALLOWED_OUTCOME) entry.allowed += count;
    perKey.set(g.keyId, entry);
  }
  const top = [...perKey.entries()].sort((a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : 1)).slice(0, limit);
  const keys = await db.apiKey.findMany({
    where: { orgId, id: { in: top.map(([id]) => id) } },
    select: { id: true, name: true, displayPrefix: true, last4: true },
  });
  const byId = new Map(keys.map((k) => [k.id, k]));
  return top.map(([keyId, { total, allowed }]) => {
    const key = byId.get(keyId);
    return {
      keyId,
      name: key?.name ?? "Deleted key",
      display: key ? `${key.displayPrefix}…${key.last4}` : "",
      total,
      allowed,
      denied: total - allowed,
    };
  });
}

export interface RankedValue {
  label: string;
  detail?: string;
  total: number;
  denied: number;
}

export interface RequestBreakdown {
  actions: RankedValue[];
  ips: RankedValue[];
  userAgents: RankedValue[];
  /** How many raw events the breakdown read, and whether that was all of the range. */
  sampleSize: number;
  complete: boolean;
}

function rank<T>(
  groups: T[],
  keyOf: (g: T) => { label: string; detail?: string },
  outcomeOf: (g: T) => string,
  countOf: (g: T) => number,
): RankedValue[] {
  const map = new Map<string, RankedValue>();
  for (const g of groups) {
    const { label, detail } = keyOf(g);
    const id = `${label}\u0000${detail ?? ""}`;
    const entry = map.get(id) ?? { label, detail, total: 0, denied: 0 };
    entry.total += countOf(g);
    if (outcomeOf(g) !== ALLOWED_OUTCOME) entry.denied += countOf(g);
    map.set(id, entry);
  }
  return [...map.values()].sort((a, b) => b.total - a.total || (a.label < b.label ? -1 : 1)).slice(0, TOP_LIMIT);
}

/**
 * Top actions/resources, client IPs and user agents from raw events. Reads at most the latest
 * RAW_SAMPLE_LIMIT events of the range: the boundary is found with one indexed skip, then each breakdown
 * groups only events after it.
 */
export async function getRequestBreakdown(db: Db, orgId: string, range: UsageRange, scope: UsageScope = {}): Promise<RequestBreakdown> {
  const base: Prisma.UsageEventWhereInput = {
    orgId,
    ...(scope.keyId ? { keyId: scope.keyId } : {}),
    ...(scope.outcomes ? { outcome: { in: scope.outcomes } } : {}),
    at: { gte: range.start, lt: range.end },
  };
  const boundary = await db.usageEvent.findFirst({
    where: base,
    orderBy: [{ at: "desc" }, { id: "desc" }],
    skip: RAW_SAMPLE_LIMIT - 1,
    select: { at: true, id: true },
  });
  const where: Prisma.UsageEventWhereInput = boundary
    ? { ...base, OR: [{ at: { gt: boundary.at } }, { at: boundary.at, id: { gte: boundary.id } }] }
    : base;
  const [actions, ips, agents, sampleSize] = await Promise.all([
    db.usageEvent.groupBy({ by: ["action", "resource", "outcome"], where, _count: { _all: true } }),
    db.usageEvent.groupBy({ by: ["ip", "outcome"], where, _count: { _all: true } }),
    db.usageEvent.groupBy({ by: ["userAgent", "outcome"], where, _count: { _all: true } }),
    boundary ? Promise.resolve(RAW_SAMPLE_LIMIT) : db.usageEvent.count({ where }),
  ]);
  const count = (g: { _count: { _all: number } }) => g._count._all;
  const outcome = (g: { outcome: string }) => g.outcome;
  return {
    actions: rank(actions, (g) => ({ label: g.action ?? "(none)", detail: g.resource || "all resources" }), outcome, count),
    ips: rank(ips, (g) => ({ label: g.ip ?? "(unknown)" }), outcome, count),
    userAgents: rank(agents, (g) => ({ label: g.userAgent || "(none)" }), outcome, count),
    sampleSize,
    complete: !boundary,
  };
}

export interface DenialReason {
  outcome: UsageOutcome;
  count: number;
}

export function denialReasons(series: UsageSeries): DenialReason[] {
  return USAGE_OUTCOMES.filter((o) => o !== ALLOWED_OUTCOME && series.totals[o] > 0)
    .map((outcome) => ({ outcome, count: series.totals[outcome] }))
    .sort((a, b) => b.count - a.count);
}

export interface UsageOverview {
  series: UsageSeries;
  topKeys: TopKey[];
  breakdown: RequestBreakdown;
  denials: DenialReason[];
}

export async function getUsageOverview(db: Db, orgId: string, range: UsageRange, scope: UsageScope = {}): Promise<UsageOverview> {
  const [series, topKeys, breakdown] = await Promise.all([
    getUsageSeries(db, orgId, range, scope),
    scope.keyId ? Promise.resolve([]) : getTopKeys(db, orgId, range, scope),
    getRequestBreakdown(db, orgId, range, scope),
  ]);
  return { series, topKeys, breakdown, denials: denialReasons(series) };
}

/** The outcomes a chart of `series` shows: "Allowed" always, a denial code only when it occurred (a short legend). */
export function shownOutcomes(series: Pick<UsageSeries, "totals">): UsageOutcome[] {
  return USAGE_OUTCOMES.filter((o) => o === ALLOWED_OUTCOME || series.totals[o] > 0);
}

export const SPARKLINE_DAYS = 30;

/**
 * Requests per day over the last 30 days (oldest first) for each of the given keys, in ONE query —
 * the key list calls it once per page, never once per row. Days are 24-hour spans counted back from the
 * end of the current hour; keys without usage get zeros.
 */
export async function getSparklines(
  db: Db,
  orgId: string,
  keyIds: readonly string[],
  now: Date = new Date(),
): Promise<Record<string, number[]>> {
  const out: Record<string, number[]> = {};
  for (const id of keyIds) out[id] = new Array<number>(SPARKLINE_DAYS).fill(0);
  if (keyIds.length === 0) return out;
  const end = new Date(hourOf(now).getTime() + HOUR_MS);
  const start = new Date(end.getTime() - SPARKLINE_DAYS * 24 * HOUR_MS);
  const groups = await db.usageRollup.groupBy({
    by: ["keyId", "hour"],
    where: { orgId, keyId: { in: [...keyIds] }, hour: { gte: start, lt: end } },
    _sum: { count: true },
  });
  for (const g of groups) {
    const day = SPARKLINE_DAYS - 1 - Math.floor((end.getTime() - 1 - g.hour.getTime()) / (24 * HOUR_MS));
    const line = out[g.keyId];
    if (line && day >= 0) line[day] += g._sum.count ?? 0;
  }
  return out;
}
