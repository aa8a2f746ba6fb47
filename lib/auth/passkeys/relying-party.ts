import type { RequestMeta } from "../../http/request-meta";
import { publicOrigin } from "../../sso/origin";

export interface RelyingParty {
  /** The domain passkeys are bound to: a browser offers a credential only on this domain (or its subdomains). */
  rpID: string;
  /** The origin the browser must report in each response (scheme, host and port the person sees). */
  origin: string;
  name: string;
}

/**
 * Who Keyward is to an authenticator. KEYWARD_WEBAUTHN_ORIGIN and KEYWARD_WEBAUTHN_RP_ID when set (behind a
 * proxy that rewrites the Host, or to share passkeys across subdomains), else the public origin the SSO flow
 * uses (KEYWARD_PUBLIC_URL, or the request's Host and scheme) and its host name. A changed rpID orphans every
 * passkey registered under the old one.
 */
export function relyingParty(host: string | null, meta: Pick<RequestMeta, "secure">, env: NodeJS.ProcessEnv = process.env): RelyingParty {
  const origin = env.KEYWARD_WEBAUTHN_ORIGIN ? new URL(env.KEYWARD_WEBAUTHN_ORIGIN).origin : publicOrigin(host, meta, env);
  const rpID = env.KEYWARD_WEBAUTHN_RP_ID?.trim() || new URL(origin).hostname;
  return { rpID, origin, name: "Keyward" };
}
