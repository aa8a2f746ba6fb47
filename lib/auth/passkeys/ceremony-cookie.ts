import "server-only";
import { headers } from "next/headers";
import { requestMetaFrom } from "../../http/request-meta";
import { browserBoundCookie } from "../browser-bound-cookie";
import { CHALLENGE_TTL_MS } from "./challenges";

// Passwordless sign-in has no session or pending sign-in to bind its challenge to, so the browser that asked for it
// keeps it in this cookie, and only an answer from that browser counts.
const ceremony = browserBoundCookie("kw_passkey");

export async function setPasskeyCeremonyCookie(challenge: string) {
  await ceremony.set(challenge, requestMetaFrom(await headers()).secure, new Date(Date.now() + CHALLENGE_TTL_MS));
}

/** The challenge this browser was given, deleted as it is read: one answer per ceremony. */
export async function takePasskeyCeremonyCookie(): Promise<string | undefined> {
  return ceremony.take(requestMetaFrom(await headers()).secure);
}
