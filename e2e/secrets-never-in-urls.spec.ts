import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { adminStatePath } from "./support/admin";
import { fillKeyForm, serverOutputs, takeSecret, verifyKey } from "./support/keys";

// Issue 15 §1: a secret never enters a URL anywhere in the app. A live key's secret is pasted into every text
// input the console shows (pages and their dialogs), submitted with Enter where a form submits that way —
// once with JavaScript and once without (a form submitted before hydration) — and then it must be in no
// URL the browser requested or navigated to, not in the tab's history, and not in the server's output (its
// log, and its database: nothing typed was stored in plain text either).

test.describe.configure({ mode: "serial", timeout: 240_000 });

let secret = "";
let keyId = "";
const name = `Swept key ${Math.random().toString(36).slice(2, 6)}`;

const TEXT_FIELDS = [
  "input:not([type])",
  "input[type=text]",
  "input[type=search]",
  "input[type=email]",
  "input[type=password]",
  "input[type=url]",
  "input[type=tel]",
  "textarea",
].join(", ");

// Forms whose success would change what the rest of the suite relies on (the organization's name, a new
// organization switched to): filled, not submitted, with JavaScript. Without it nothing submits anywhere.
const FILL_ONLY = ["#org-name", "#new-org-name", "#new-org-prefix"];

const PAGES = (id: string): { path: string; dialogs?: string[] }[] => [
  { path: "/keys", dialogs: ["Revoke leaked key"] },
  { path: "/keys?status=all" },
  { path: `/keys/${id}`, dialogs: [`Revoke… ${name}`, "Rotate secret"] },
  { path: `/keys/${id}/edit` },
  { path: "/keys/new" },
  { path: "/usage" },
  { path: "/audit" },
  { path: "/review", dialogs: ["Accept risk…", "Plant a canary"] },
  { path: "/settings" },
  { path: "/settings/organizations/new" },
  { path: "/account" },
  { path: "/api-reference" },
];

/** Every URL the context requests or navigates to. */
function recordUrls(context: BrowserContext): string[] {
  const urls: string[] = [];
  context.on("request", (r) => {
    urls.push(r.url());
    const referer = r.headers()["referer"];
    if (referer) urls.push(referer);
  });
  context.on("page", (p) => p.on("framenavigated", (f) => urls.push(f.url())));
  return urls;
}

async function settle(page: Page, javascript = true) {
  // Not "networkidle": the key page polls its last use.
  await page.waitForLoadState("load").catch(() => {});
  // Hydrated, and past the keys search's debounce (300 ms), so a URL update would have happened.
  if (javascript) await page.waitForTimeout(400);
}

/** Fills every visible, editable text field in `scope` with the secret; presses Enter in each single-line one. */
async function pasteEverywhere(page: Page, scope: string, submit: boolean, javascript = true): Promise<number> {
  const fields = page.locator(scope).locator(TEXT_FIELDS);
  const count = await fields.count();
  let filled = 0;
  for (let i = 0; i < count; i++) {
    const field = fields.nth(i);
    if (!(await field.isVisible().catch(() => false)) || !(await field.isEditable().catch(() => false))) continue;
    await field.fill(secret);
    filled++;
  }
  if (!submit) return filled;
  const start = page.url();
  for (let i = 0; i < count; i++) {
    const field = fields.nth(i);
    if (page.url() !== start) break;
    if (!(await field.isVisible().catch(() => false)) || !(await field.isEditable().catch(() => false))) continue;
    if ((await field.evaluate((el) => el.tagName)) === "TEXTAREA") continue;
    const id = await field.getAttribute("id");
    if (javascript && id && FILL_ONLY.includes(`#${id}`)) continue;
    await field.press("Enter").catch(() => {});
    await settle(page, javascript);
  }
  return filled;
}

async function sweep(page: Page, javascript: boolean) {
  let total = 0;
  for (const { path, dialogs = [] } of PAGES(keyId)) {
    await page.goto(path);
    await settle(page, javascript);
    total += await pasteEverywhere(page, "body", true, javascript);
    if (!javascript) continue;
    for (const opener of dialogs) {
      await page.goto(path);
      await settle(page);
      const button = page.getByRole("button", { name: opener }).first();
      if (!(await button.isVisible().catch(() => false))) continue;
      await button.click();
      const dialog = page.getByRole("dialog").last();
      await expect(dialog).toBeVisible();
      await settle(page);
      total += await pasteEverywhere(page, "[role=dialog]", true);
      // A textarea does not submit with Enter: its form's button does (the leak scan's "Find keys").
      const find = dialog.getByRole("button", { name: "Find keys" });
      if (await find.isVisible().catch(() => false)) {
        await find.click();
        await settle(page);
      }
      await page.keyboard.press("Escape");
    }
  }
  return total;
}

async function expectNowhere(page: Page, urls: string[]) {
  const encoded = encodeURIComponent(secret);
  expect(page.url()).not.toContain(secret);
  const leaked = urls.filter((url) => url.includes(secret) || url.includes(encoded));
  expect(leaked).toEqual([]);
  // The tab's whole history, as the browser keeps it (not only what the page can see of it).
  const cdp = await page.context().newCDPSession(page);
  const { entries } = await cdp.send("Page.getNavigationHistory");
  expect(entries.length).toBeGreaterThan(1);
  expect(entries.filter((e) => e.url.includes(secret) || e.url.includes(encoded)).map((e) => e.url)).toEqual([]);
  await cdp.detach();
  expectNotWritten();
}

function expectNotWritten() {
  for (const { name, content } of serverOutputs()) expect(content.includes(secret), `${name} holds the secret`).toBe(false);
}

async function signedIn(browser: Browser, javaScriptEnabled: boolean) {
  const context = await browser.newContext({ storageState: adminStatePath, javaScriptEnabled });
  const urls = recordUrls(context);
  return { context, urls, page: await context.newPage() };
}

test("a live key to leak", async ({ page }) => {
  await page.goto("/keys/new");
  // read on keys/** lets the secret call the management API too.
  await fillKeyForm(page, { name, scopes: [["read", "keys/**"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  secret = await takeSecret(page);
  keyId = (await verifyKey(page.request, { key: secret })).keyId!;
  expect(keyId).toMatch(/^key_/);
});

test("pasted into every text input of every console page and dialog, and submitted: in no URL, history or log", async ({ browser }) => {
  const { context, urls, page } = await signedIn(browser, true);
  const filled = await sweep(page, true);
  // The sweep reached the forms (search, create, edit, dialogs, settings, account…), not an error page.
  expect(filled).toBeGreaterThan(15);
  await expectNowhere(page, urls);
  expect(await verifyKey(page.request, { key: secret })).toMatchObject({ valid: true });
  await context.close();
});

test("without JavaScript (a form submitted before hydration): in no URL, history or log either", async ({ browser }) => {
  const { context, urls, page } = await signedIn(browser, false);
  const filled = await sweep(page, false);
  expect(filled).toBeGreaterThan(10);
  await expectNowhere(page, urls);
  await context.close();

  // Signed out: the sign-in, setup and invite forms.
  const anonymous = await browser.newContext({ javaScriptEnabled: false, storageState: { cookies: [], origins: [] } });
  const anonUrls = recordUrls(anonymous);
  const anonPage = await anonymous.newPage();
  for (const path of ["/login", "/login?next=%2Fkeys", "/invite/inv_not_a_real_token_000000000000"]) {
    await anonPage.goto(path);
    await pasteEverywhere(anonPage, "body", true, false);
  }
  await expectNowhere(anonPage, anonUrls);
  await anonymous.close();
});

test("a secret sent in a URL anyway: pages drop it by redirecting, APIs refuse it with 400, neither echoes it", async ({
  page,
  request,
}) => {
  await page.goto(`/keys?q=${secret}&status=all`);
  await expect(page.getByRole("heading", { name: "API keys", exact: true })).toBeVisible();
  expect(page.url()).toMatch(/\/keys\?status=all$/);
  await page.goto(`/audit?actor=${secret}`);
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/audit");
  await page.goto(`/login?next=${encodeURIComponent(`/keys?q=${secret}`)}`);
  expect(page.url()).not.toContain(secret);
  const cdp = await page.context().newCDPSession(page);
  const { entries } = await cdp.send("Page.getNavigationHistory");
  expect(entries.filter((e) => e.url.includes(secret))).toEqual([]);
  await cdp.detach();

  const auth = { authorization: `Bearer ${secret}` };
  for (const url of [
    `/api/v1/keys?name=${secret}`,
    `/api/v1/keys?prefix=${encodeURIComponent(`x ${secret}`)}`,
    `/api/v1/keys/${keyId}/usage?days=30&key=${secret}`,
    `/usage/data?keyId=${secret}`,
  ]) {
    const res = await request.get(url, { headers: auth, maxRedirects: 0 });
    expect(res.status(), url).toBe(400);
    const body = await res.text();
    expect(body).not.toContain(secret);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "SECRET_IN_URL" } });
  }
  const verify = await request.post(`/api/v1/keys/verify?key=${secret}`, { data: { key: secret } });
  expect(verify.status()).toBe(400);
  expect(await verify.text()).not.toContain(secret);
  // Nothing was refused for the key itself: it still works where it belongs, in the body or the header.
  expect((await request.get("/api/v1/keys?limit=1", { headers: auth })).status()).toBe(200);
  expectNotWritten();
});
