// Where to go after signing in, from a `next` query parameter: only a path on this site, never another origin
// (an open redirect would let a phishing link bounce through our sign-in page).

const BASE = "http://keyward.invalid";

/** The path and query of the page being requested, set by proxy.ts (over anything a client sent). */
export const REQUEST_PATH_HEADER = "x-keyward-path";

/** A same-origin path (with its query and hash) for `next`, or null for anything else. */
export function safeNextPath(next: string | string[] | undefined | null): string | null {
  const value = Array.isArray(next) ? next[0] : next;
  if (!value || value.length > 2000) return null;
  // "//host" and "/\host" are protocol-relative in browsers; control characters can hide either.
  if (!value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\") || /[\u0000-\u001f\u007f\\]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return null;
  }
  if (url.origin !== BASE) return null;
  const path = `${url.pathname}${url.search}${url.hash}`;
  return path === "/login" || path.startsWith("/login?") ? null : path;
}

/** Where signing in leads when no `next` is given. */
export const AFTER_SIGN_IN = "/keys";

/** The sign-in page, coming back to `path` afterwards when it is a safe same-origin path (other than the default). */
export function loginPath(path: string | null | undefined): string {
  const next = safeNextPath(path);
  return next && next !== "/" && next !== AFTER_SIGN_IN ? `/login?next=${encodeURIComponent(next)}` : "/login";
}
