// The console's Content-Security-Policy, built per request by proxy.ts around a fresh nonce: Next.js puts the
// nonce on every script it renders (read back from the request's own CSP header), and 'strict-dynamic' lets
// those scripts load the rest of the bundle. An injected inline script or event handler has no nonce and does
// not run; 'self' and the URL allow-list are ignored by browsers that know 'strict-dynamic' (kept for older
// ones). Styles keep 'unsafe-inline' (React's style attributes); they cannot run code. Next's dev server
// (React Refresh) needs 'unsafe-eval', production never.
const isDev = process.env.NODE_ENV === "development";

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isDev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${isDev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
