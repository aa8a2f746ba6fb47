import "server-only";
import { cookies } from "next/headers";
import { SSO_LOGIN_TTL_MS } from "./flow";

// The state of a single sign-on in progress, bound to the browser that started it: HttpOnly, SameSite=Lax (sent on
// the provider's top-level redirect back), __Host- and Secure behind TLS. The verifier and nonce are never in it.
const NAME = "kw_sso_state";

export function ssoStateCookieName(secure: boolean) {
  return secure ? `__Host-${NAME}` : NAME;
}

export async function setSsoStateCookie(state: string, secure: boolean) {
  (await cookies()).set(ssoStateCookieName(secure), state, {
    httpOnly: true,
    sameSite: "lax",
    secure,
    path: "/",
    maxAge: SSO_LOGIN_TTL_MS / 1000,
  });
}

export async function takeSsoStateCookie(secure: boolean) {
  const jar = await cookies();
  const value = jar.get(ssoStateCookieName(secure))?.value;
  jar.delete({ name: ssoStateCookieName(secure), path: "/", secure });
  return value;
}
