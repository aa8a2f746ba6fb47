import { NextResponse, type NextRequest } from "next/server";
import { getSessionContext } from "@/lib/auth/current";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { sessionRoute } from "@/lib/http/session-route";
import { getUsageOverview, parseUsageParams, resolveUsageRange } from "@/lib/queries/usage";
import { KEY_ID_PATTERN } from "@/lib/validations/key";

export const dynamic = "force-dynamic";

/** One key's usage as JSON for the Usage section of its detail page (components/usage/key-usage.tsx). */
export const GET = sessionRoute(async function GET(request: NextRequest) {
  const ctx = await getSessionContext();
  if (!ctx) return NextResponse.json({ code: "UNAUTHENTICATED", error: "Sign in again." }, { status: 401 });
  if (!can(ctx.role, "usage:read")) return NextResponse.json({ code: "FORBIDDEN", error: "Your role does not allow this." }, { status: 403 });
  const search = Object.fromEntries(request.nextUrl.searchParams);
  const keyId = search.keyId ?? "";
  if (!KEY_ID_PATTERN.test(keyId)) return NextResponse.json({ code: "VALIDATION", error: "That is not a valid key id" }, { status: 400 });
  // Same answer for another organization's key as for a missing one.
  const key = await db.apiKey.findFirst({ where: { id: keyId, orgId: ctx.org.id }, select: { id: true } });
  if (!key) return NextResponse.json({ code: "NOT_FOUND", error: "Key not found" }, { status: 404 });
  const range = resolveUsageRange(parseUsageParams(search), new Date());
  const overview = await getUsageOverview(db, ctx.org.id, range, { keyId });
  return NextResponse.json({ preset: range.preset, overview }, { headers: { "cache-control": "no-store" } });
});
