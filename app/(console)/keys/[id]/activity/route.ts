import { NextResponse } from "next/server";
import { getSessionContext } from "@/lib/auth/current";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { sessionRoute } from "@/lib/http/session-route";

/** A key's last use, for the detail page to poll; never anything secret. */
export const GET = sessionRoute(async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const ctx = await getSessionContext();
  if (!ctx) return NextResponse.json({ code: "UNAUTHENTICATED", error: "Sign in again" }, { status: 401 });
  if (!can(ctx.role, "keys:read")) return NextResponse.json({ code: "FORBIDDEN", error: "Not allowed" }, { status: 403 });
  const { id } = await params;
  const key = await db.apiKey.findFirst({
    where: { id, orgId: ctx.org.id },
    select: { lastUsedAt: true, lastUsedIp: true, lastUsedUserAgent: true },
  });
  if (!key) return NextResponse.json({ code: "NOT_FOUND", error: "Key not found" }, { status: 404 });
  return NextResponse.json(
    { lastUsedAt: key.lastUsedAt?.toISOString() ?? null, lastUsedIp: key.lastUsedIp, lastUsedUserAgent: key.lastUsedUserAgent },
    { headers: { "cache-control": "no-store" } },
  );
});
