import "server-only";
import { cookies, headers } from "next/headers";
import { requestMetaFrom } from "../../http/request-meta";
import { CHALLENGE_TTL_MS } from "./challenges";

// Passwordless sign-in has no session or pending sign-in to bind its challenge to, so the browser that asked for it
// keeps it in this cookie (HttpOnly, SameSite=Lax, __Host- behind TLS), and only an answer from that browser counts.
const CEREMONY_COOKIE = "kw_passkey";
const cookieName = (secure: boolean) => (secure ? `__Host-${CEREMONY_COOKIE}` : CEREMONY_COOKIE);

export async function setPasskeyCeremonyCookie(challenge: string) {
  const secure = requestMetaFrom(await headers()).secure;
  const expires = new Date(Date.now() + CHALLENGE_TTL_MS);
  (await cookies()).set(cookieName(secure), challenge, { httpOnly: true, sameSite: "lax", secure, path: "/", expires });
}

/** The challenge this browser was given, deleted as it is read: one answer per ceremony. */
export async function takePasskeyCeremonyCookie(): Promise<string | undefined> {
  const secure = requestMetaFrom(await headers()).secure;
  const jar = await cookies();
  const value = jar.get(cookieName(secure))?.value;
  if (value !== undefined) jar.delete({ name: cookieName(secure), path: "/", secure });
  return value;
}
