import { NextResponse, type NextRequest } from "next/server";
import { readSessionCookie, setSessionCookie } from "@/lib/auth/session-cookie";
import { deleteSession } from "@/lib/auth/sessions";
import { db } from "@/lib/db";
import { requestMetaFrom } from "@/lib/http/request-meta";
import { completeSso, SsoRefusal } from "@/lib/sso/flow";
import { takeSsoStateCookie } from "@/lib/sso/state-cookie";

export const dynamic = "force-dynamic";

function redirectTo(location: string) {
  return new NextResponse(null, { status: 303, headers: { location, "cache-control": "no-store" } });
}

/**
 * The provider sends the browser back here. Public by nature: whatever arrives (garbage, a replay, another
 * browser's state) is answered with a redirect to the sign-in page and a refusal code, never a session or a 500.
 */
export async function GET(request: NextRequest) {
  const meta = requestMetaFrom(request.headers);
  const stateCookie = await takeSsoStateCookie(meta.secure);
  try {
    const signIn = await completeSso(db, request.nextUrl, stateCookie, meta);
    await deleteSession(db, await readSessionCookie());
    await setSessionCookie(signIn.token, signIn.expiresAt, meta.secure);
    return redirectTo(signIn.next ?? "/keys");
  } catch (error) {
    if (error instanceof SsoRefusal) return redirectTo(`/login?sso_error=${error.code}`);
    console.error("SSO callback failed:", error instanceof Error ? error.message : "unknown error");
    return redirectTo("/login?sso_error=failed");
  }
}
