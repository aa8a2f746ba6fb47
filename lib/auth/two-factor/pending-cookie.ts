import "server-only";
import { headers } from "next/headers";
import { requestMetaFrom } from "../../http/request-meta";
import { browserBoundCookie } from "../browser-bound-cookie";

// The pending sign-in's cookie: it lives five minutes and is only read by the second-factor step of signing in.
const pending = browserBoundCookie("kw_2fa");

export async function setPendingSignInCookie(token: string, expiresAt: Date, secure: boolean) {
  await pending.set(token, secure, expiresAt);
}

export async function readPendingSignInCookie() {
  return pending.read(requestMetaFrom(await headers()).secure);
}

export async function clearPendingSignInCookie() {
  await pending.clear(requestMetaFrom(await headers()).secure);
}
