import "server-only";
import { cookies, headers } from "next/headers";
import { requestMetaFrom } from "../../http/request-meta";

// The pending sign-in's cookie: like the session cookie (__Host- and Secure behind TLS, HttpOnly, SameSite=Lax),
// but it lives five minutes and is only read by the second-factor step of signing in.
const PENDING_COOKIE = "kw_2fa";
const cookieName = (secure: boolean) => (secure ? `__Host-${PENDING_COOKIE}` : PENDING_COOKIE);

export async function setPendingSignInCookie(token: string, expiresAt: Date, secure: boolean) {
  (await cookies()).set(cookieName(secure), token, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: expiresAt });
}

export async function readPendingSignInCookie() {
  return (await cookies()).get(cookieName(requestMetaFrom(await headers()).secure))?.value;
}

export async function clearPendingSignInCookie() {
  const secure = requestMetaFrom(await headers()).secure;
  (await cookies()).delete({ name: cookieName(secure), path: "/", secure });
}
