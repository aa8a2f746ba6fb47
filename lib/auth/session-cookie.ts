import "server-only";
import { cookies } from "next/headers";
import { SESSION_COOKIE } from "./sessions";

export async function setSessionCookie(token: string, expiresAt: Date, secure: boolean) {
  (await cookies()).set(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", expires: expiresAt });
}

export async function readSessionCookie() {
  return (await cookies()).get(SESSION_COOKIE)?.value;
}

export async function clearSessionCookie() {
  (await cookies()).delete(SESSION_COOKIE);
}
