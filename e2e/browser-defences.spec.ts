// Browser-facing defences, in Chromium: a script nonce instead of 'unsafe-inline', Fetch Metadata resource
// isolation on the cookie-authenticated route handlers, and — through a real TLS terminator (nginx) in front of
// the server — a __Host- Secure session cookie and Strict-Transport-Security.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { freePort } from "../tests/support/keyward-server";
import { ADMIN } from "./support/admin";
import { fillKeyForm, takeSecret } from "./support/keys";

const INJECTED = `<img src="x" onerror="window.__injected = 'onerror'"><script>window.__injected = 'script'</script>`;
let keyPath = "";

async function createProbeKey(page: Page) {
  const name = `CSP probe ${Date.now()}`;
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["read", "csp/**"]], cidrs: [] });
  await page.getByLabel("Description (optional)").fill(INJECTED);
  await page.getByRole("button", { name: "Create key" }).click();
  await takeSecret(page);
  await page.goto(`/keys?q=${encodeURIComponent(name)}`);
  await page.getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/keys\/key_[A-Za-z0-9]{20}$/);
  keyPath = new URL(page.url()).pathname;
}

test("scripts need the response's nonce: a stored value injected into the page does not run", async ({ page }) => {
  await createProbeKey(page);

  const first = await page.goto(keyPath);
  const policy = first!.headers()["content-security-policy"];
  const scriptSrc = policy.split(";").find((d) => d.trim().startsWith("script-src"))!;
  expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]{16,}'/);
  expect(scriptSrc).toContain("'strict-dynamic'");
  expect(scriptSrc).not.toContain("'unsafe-inline'");
  // Every script Next rendered carries this response's nonce, and the next response has another one.
  const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1];
  const html = await first!.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
  const second = await page.request.get(keyPath);
  expect(second.headers()["content-security-policy"]).not.toContain(nonce);

  // The page's own scripts ran (React hydrated: the dialog opens).
  await page.getByRole("button", { name: "Rotate secret" }).click();
  await expect(page.getByRole("dialog")).toBeVisible();
  await page.keyboard.press("Escape");

  // The stored description as an XSS sink would take it, as markup: in the page (its event handler) and as a
  // document of its own (its parser-inserted <script>; a srcdoc frame inherits the page's policy).
  // ('strict-dynamic' does let a script the page already runs create script elements: that is its design.)
  const stored = await page.getByText("window.__injected = 'onerror'").first().textContent();
  expect(stored).toBe(INJECTED);
  const outcome = await page.evaluate(async (markup) => {
    const violations: string[] = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
    document.body.insertAdjacentHTML("beforeend", markup);
    const frame = document.createElement("iframe");
    frame.srcdoc = markup.replace("window.__injected", "parent.__injected");
    document.body.append(frame);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    return { injected: (window as unknown as { __injected?: string }).__injected ?? null, violations };
  }, stored!);
  expect(outcome.injected).toBeNull();
  expect(outcome.violations.filter((d) => d.startsWith("script-src")).length).toBeGreaterThanOrEqual(1);
});

test("cookie-authenticated route handlers refuse a cross-site page, answer the console itself", async ({ page, baseURL }) => {
  if (!keyPath) await createProbeKey(page);
  const activity = `${baseURL}${keyPath}/activity`;
  // Another site (localhost is not the same site as 127.0.0.1) links to the console's data; the browser sends
  // the SameSite=Lax session cookie on a top-level navigation.
  const evil = baseURL!.replace("127.0.0.1", "localhost");
  await page.route(`${evil}/evil`, (route) =>
    route.fulfill({ contentType: "text/html", body: `<!doctype html><title>evil</title><a id="go" href="${activity}">go</a>` }),
  );
  await page.goto(`${evil}/evil`);
  const [crossSite] = await Promise.all([page.waitForResponse(activity), page.click("#go")]);
  expect(crossSite.status()).toBe(403);
  expect(await crossSite.json()).toMatchObject({ code: "CROSS_SITE" });

  // The same URL typed into the address bar, and fetched by the console's own page, is answered.
  const typed = await page.goto(activity);
  expect(typed!.status()).toBe(200);
  await page.goto(`${baseURL}${keyPath}`);
  expect(await page.evaluate((url) => fetch(url).then((r) => r.status), activity)).toBe(200);
});

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => resolve(true));
    socket.once("error", () => resolve(false));
    socket.once("close", () => socket.destroy());
    socket.setTimeout(1000, () => socket.end());
  });
}

test.describe("behind a TLS-terminating proxy (nginx)", () => {
  let dir: string;
  let nginx: ChildProcess;
  let tlsBase: string;

  test.beforeAll(async ({ baseURL }) => {
    dir = mkdtempSync(path.join(tmpdir(), "keyward-tls-"));
    const made = spawnSync("openssl", [
      ...["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"],
      ...["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")],
    ]);
    expect(made.status, String(made.stderr)).toBe(0);
    const port = await freePort();
    tlsBase = `https://127.0.0.1:${port}`;
    writeFileSync(
      path.join(dir, "nginx.conf"),
      `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${dir}/cert.pem;
    ssl_certificate_key ${dir}/key.pem;
    location / {
      proxy_pass ${baseURL};
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto https;
    }
  }
}
`,
    );
    nginx = spawn("/usr/sbin/nginx", ["-p", dir, "-c", path.join(dir, "nginx.conf"), "-e", path.join(dir, "error.log")], {
      stdio: "ignore",
    });
    await expect.poll(() => listening(port), { timeout: 10_000 }).toBe(true);
  });

  test.afterAll(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((resolve) => nginx.once("exit", resolve));
      nginx.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test("signing in over HTTPS sets a Secure __Host- session cookie and every answer carries HSTS", async ({ browser, baseURL }) => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: tlsBase, storageState: { cookies: [], origins: [] } });
    const page = await context.newPage();
    const login = await page.goto("/login");
    expect(login!.headers()["strict-transport-security"]).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/keys$/);
    await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.email);

    const cookies = await context.cookies();
    expect(cookies.map((c) => c.name)).not.toContain("kw_session");
    expect(cookies.find((c) => c.name === "__Host-kw_session")).toMatchObject({ secure: true, httpOnly: true, sameSite: "Lax", path: "/" });
    // The API and verify answers too, not only pages.
    const verify = await page.request.post("/api/v1/keys/verify", { data: { key: "x" } });
    expect(verify.headers()["strict-transport-security"]).toMatch(/^max-age=/);

    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/login$/);
    expect((await context.cookies()).map((c) => c.name)).not.toContain("__Host-kw_session");
    await context.close();

    // Plain HTTP straight to the server (no trusted proxy saying https): no HSTS, the plain cookie name.
    const direct = await fetch(`${baseURL}/login`);
    expect(direct.headers.get("strict-transport-security")).toBeNull();
  });
});
