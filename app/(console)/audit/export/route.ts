import { stringify } from "csv-stringify/sync";
import { NextResponse, type NextRequest } from "next/server";
import { getSessionContext } from "@/lib/auth/current";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { sessionRoute } from "@/lib/http/session-route";
import { AUDIT_CSV_COLUMNS, auditCsvRecord, exportAuditEvents, parseAuditParams } from "@/lib/queries/audit";

export const dynamic = "force-dynamic";

/** The filtered audit log as CSV; cells that a spreadsheet would run as a formula are neutralized. */
export const GET = sessionRoute(async function GET(request: NextRequest) {
  const ctx = await getSessionContext();
  if (!ctx) return NextResponse.json({ code: "UNAUTHENTICATED", error: "Sign in again." }, { status: 401 });
  if (!can(ctx.role, "audit:read"))
    return NextResponse.json({ code: "FORBIDDEN", error: "Your role does not allow this." }, { status: 403 });
  const params = parseAuditParams(Object.fromEntries(request.nextUrl.searchParams));
  const rows = await exportAuditEvents(db, ctx.org.id, params);
  const csv = stringify([AUDIT_CSV_COLUMNS, ...rows.map(auditCsvRecord)], { quoted_match: /[,"\r\n]/ });
  const stamp = new Date().toISOString().slice(0, 10);
  return new NextResponse(csv, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="keyward-audit-${ctx.org.slug}-${stamp}.csv"`,
      "cache-control": "no-store",
    },
  });
});
