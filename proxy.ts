import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_PATH_HEADER } from "@/lib/auth/next-path";
import { contentSecurityPolicy } from "@/lib/http/content-security-policy";
import { SECRET_IN_URL, SECRET_IN_URL_MESSAGE, urlHoldsSecret, withoutSecrets } from "@/lib/http/secret-in-url";

/**
 * A request whose URL carries a secret: a page navigation goes to the same address without it (the redirect
 * replaces the history entry), anything else — the management API, the console's JSON routes — is refused.
 */
function refuseSecretInUrl(request: NextRequest): NextResponse | null {
  const { pathname, search } = request.nextUrl;
  if (!urlHoldsSecret(pathname + search)) return null;
  const navigation = request.headers.get("sec-fetch-mode") === "navigate" || (request.headers.get("accept") ?? "").includes("text/html");
  if ((request.method === "GET" || request.method === "HEAD") && navigation && !pathname.startsWith("/api/")) {
    const clean = withoutSecrets(pathname, search);
    const to = request.nextUrl.clone();
    [to.pathname, to.search] = clean.includes("?") ? [clean.slice(0, clean.indexOf("?")), clean.slice(clean.indexOf("?"))] : [clean, ""];
    return NextResponse.redirect(to, { status: 303, headers: { "cache-control": "no-store", "referrer-policy": "no-referrer" } });
  }
  return NextResponse.json(
    { error: { code: SECRET_IN_URL, message: SECRET_IN_URL_MESSAGE } },
    { status: 400, headers: { "cache-control": "no-store", "referrer-policy": "no-referrer" } },
  );
}

/** A fresh script nonce for every response (see lib/http/content-security-policy.ts), and the requested path. */
export function proxy(request: NextRequest) {
  const refused = refuseSecretInUrl(request);
  if (refused) return refused;
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const policy = contentSecurityPolicy(nonce);
  // Next reads the nonce from the request's CSP header while rendering.
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  // Lets a page that needs a session send a signed-out visitor to sign in and back here (a deep link).
  headers.set(REQUEST_PATH_HEADER, `${request.nextUrl.pathname}${request.nextUrl.search}`);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", policy);
  return response;
}

// Built assets need no policy of their own.
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
