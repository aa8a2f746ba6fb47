import "server-only";
import { cookies, headers } from "next/headers";
import { requestMetaFrom } from "../http/request-meta";
import { SESSION_COOKIE } from "./sessions";

// Behind TLS the cookie is Secure and named __Host-: the browser then accepts it only from this exact origin
// over HTTPS, with Path=/ and no Domain, so neither a sibling subdomain nor a plain-HTTP response can plant or
// shadow it. Over plain HTTP (local use) neither is possible, and the plain name is used.
export const SECURE_SESSION_COOKIE = `__Host-${SESSION_COOKIE}`;

export function sessionCookieName(secure: boolean) {
  return secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE;
}

async function secureRequest() {
  return requestMetaFrom(await headers()).secure;
}

export async function setSessionCookie(token: string, expiresAt: Date, secure: boolean) {
  (await cookies()).set(sessionCookieName(secure), token, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: expiresAt });
}

export async function readSessionCookie() {
  return (await cookies()).get(sessionCookieName(await secureRequest()))?.value;
}

export async function clearSessionCookie() {
  const secure = await secureRequest();
  (await cookies()).delete({ name: sessionCookieName(secure), path: "/", secure });
}
