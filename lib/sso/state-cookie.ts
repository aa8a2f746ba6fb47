import "server-only";
import { browserBoundCookie } from "../auth/browser-bound-cookie";
import { SSO_LOGIN_TTL_MS } from "./flow";

// The state of a single sign-on in progress, bound to the browser that started it. The verifier and nonce are never
// in it.
const ssoState = browserBoundCookie("kw_sso_state");

export async function setSsoStateCookie(state: string, secure: boolean) {
  await ssoState.set(state, secure, new Date(Date.now() + SSO_LOGIN_TTL_MS));
}

export async function takeSsoStateCookie(secure: boolean) {
  return ssoState.take(secure);
}
