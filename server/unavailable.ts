import type { IncomingMessage, ServerResponse } from "node:http";
import { DATABASE_RETRY_AFTER_S } from "../lib/api/errors";

// What a browser or an API client gets instead of a 500 when the console's thread failed because the database is
// unreachable: a page that says so (or the API's JSON error), 503 with Retry-After. Self-contained: the console's
// thread, its stylesheet and the database may all be unavailable.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${DATABASE_RETRY_AFTER_S * 2}">
<title>Database unavailable · Keyward</title>
<style>
body{margin:0;font-family:ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f8fafc;color:#0f172a}
main{max-width:32rem;margin:12vh auto;padding:2rem 1.5rem}
h1{font-size:1.5rem;margin:0 0 1rem}
p{line-height:1.6;color:#334155}
a{color:#1d4ed8}
</style>
</head>
<body>
<main>
<h1>Database unavailable</h1>
<p>Keyward cannot reach its database right now, so this page cannot be shown. Nothing you saved is lost.</p>
<p>API keys already in use keep verifying. This page reloads by itself every few seconds; or <a href="">try again</a>.</p>
</main>
</body>
</html>
`;

const JSON_BODY = JSON.stringify({
  error: { code: "DATABASE_UNAVAILABLE", message: "The database is unavailable right now; nothing was changed. Try again in a moment." },
});

const HEADERS = {
  "cache-control": "no-store",
  "retry-after": String(DATABASE_RETRY_AFTER_S),
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "same-origin",
};

export function answerDatabaseUnavailable(req: IncomingMessage, res: ServerResponse): void {
  const json = (req.url ?? "").startsWith("/api/") || (req.headers.accept ?? "").startsWith("application/json");
  const body = json ? JSON_BODY : PAGE;
  res.writeHead(503, {
    ...HEADERS,
    "content-type": json ? "application/json; charset=utf-8" : "text/html; charset=utf-8",
    "content-security-policy": json
      ? "default-src 'none'; frame-ancestors 'none'"
      : "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "content-length": Buffer.byteLength(body),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}
