import { SESSION_COOKIE } from "../auth/sessions";
import { SECURE_HEADER } from "./request-meta";

const SESSION_COOKIE_PATTERN = new RegExp(`(?:^|;\\s*)(?:__Host-)?${SESSION_COOKIE}=`);

/**
 * Fetch Metadata resource isolation for cookie-authenticated routes: true when the request must be refused.
 * Same-origin requests pass; a navigation (GET, the user typed, bookmarked or followed a same-site link)
 * passes; anything cross-site, or a same-site request that is not a navigation, is refused. Browsers send
 * Sec-Fetch-* only to secure origins (HTTPS, localhost): without them, a foreign Origin is refused, and
 * behind TLS — where every current browser would have sent them — so is a request carrying the session cookie.
 */
export function isRefusedCrossSite(method: string, headers: Pick<Headers, "get">): boolean {
  const site = headers.get("sec-fetch-site");
  if (site === "same-origin") return false;
  if (site !== null) {
    const navigation = headers.get("sec-fetch-mode") === "navigate" && (method === "GET" || method === "HEAD");
    return !(navigation && (site === "same-site" || site === "none"));
  }
  const origin = headers.get("origin");
  if (origin !== null && !sameOrigin(origin, headers.get("host"))) return true;
  return headers.get(SECURE_HEADER) === "1" && SESSION_COOKIE_PATTERN.test(headers.get("cookie") ?? "");
}

function sameOrigin(origin: string, host: string | null): boolean {
  try {
    return host !== null && new URL(origin).host === host;
  } catch {
    return false;
  }
}
