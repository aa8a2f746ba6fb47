import { stringify } from "csv-stringify/sync";
import { NextResponse, type NextRequest } from "next/server";
import { getSessionContext } from "@/lib/auth/current";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { sessionRoute } from "@/lib/http/session-route";
import { neutralizeCsvCell } from "@/lib/queries/audit";
import { getUsageSeries, outcomesOf, parseUsageFilter, parseUsageParams, resolveUsageRange, shownOutcomes } from "@/lib/queries/usage";
import { OUTCOME_LABELS } from "@/lib/usage/outcomes";

export const dynamic = "force-dynamic";

/**
 * The usage chart's numbers as CSV, for the same range and filters as the page: one row per bar, one column per
 * outcome the chart shows, then the total. Written like the audit export (csv-stringify, formula-safe cells).
 */
export const GET = sessionRoute(async function GET(request: NextRequest) {
  const ctx = await getSessionContext();
  if (!ctx) return NextResponse.json({ code: "UNAUTHENTICATED", error: "Sign in again." }, { status: 401 });
  if (!can(ctx.role, "usage:read"))
    return NextResponse.json({ code: "FORBIDDEN", error: "Your role does not allow this." }, { status: 403 });
  const search = Object.fromEntries(request.nextUrl.searchParams);
  const range = resolveUsageRange(parseUsageParams(search), new Date());
  const filter = parseUsageFilter(search);
  const key = filter.key ? await db.apiKey.findFirst({ where: { id: filter.key, orgId: ctx.org.id }, select: { id: true } }) : null;
  // Another organization's key filters nothing, as on the page.
  const series = await getUsageSeries(db, ctx.org.id, range, { keyId: key?.id, outcomes: outcomesOf(filter.outcome) });
  const outcomes = shownOutcomes(series);
  const header = ["start_utc", "end_utc", ...outcomes.map((o) => OUTCOME_LABELS[o]), "Total"];
  const rows = series.buckets.map((b) => [b.start, b.end, ...outcomes.map((o) => String(b.counts[o])), String(b.total)]);
  const csv = stringify(
    [header, ...rows].map((row) => row.map(neutralizeCsvCell)),
    { quoted_match: /[,"\r\n]/ },
  );
  const stamp = new Date().toISOString().slice(0, 10);
  return new NextResponse(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="keyward-usage-${ctx.org.slug}-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
});
