import { NextResponse, type NextRequest } from "next/server";
import { REQUEST_PATH_HEADER } from "@/lib/auth/next-path";
import { contentSecurityPolicy } from "@/lib/http/content-security-policy";

/** A fresh script nonce for every response (see lib/http/content-security-policy.ts), and the requested path. */
export function proxy(request: NextRequest) {
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
