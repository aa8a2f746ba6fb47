import { findSecretsInText } from "../keys/secret-format";

// A secret in a URL is in browser history, proxy and access logs and Referer headers: Keyward never puts one
// there, and a request that carries one is answered without it (an API call is refused, a page is sent to
// the same address without it) and without echoing it.

export const SECRET_IN_URL = "SECRET_IN_URL";
export const SECRET_IN_URL_MESSAGE =
  "The URL holds an API key secret. Send secrets in the request body or the Authorization header, never in a URL (URLs are kept in logs and browser history); treat this one as leaked and rotate it.";

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

function holdsSecret(text: string): boolean {
  return findSecretsInText(text).length > 0 || findSecretsInText(decoded(text)).length > 0;
}

/** Does this path-and-query (as a request line has it) carry a checksum-valid Keyward secret anywhere? */
export function urlHoldsSecret(pathAndQuery: string): boolean {
  return holdsSecret(pathAndQuery);
}

/**
 * The same address without what carries a secret: each query parameter whose name or value holds one is
 * dropped; a path that holds one is replaced by "/". Returns path and query.
 */
export function withoutSecrets(pathname: string, search: string): string {
  if (holdsSecret(pathname)) return "/";
  const kept = new URLSearchParams();
  for (const [name, value] of new URLSearchParams(search)) {
    if (!holdsSecret(name) && !holdsSecret(value)) kept.append(name, value);
  }
  const query = kept.toString();
  return query ? `${pathname}?${query}` : pathname;
}
