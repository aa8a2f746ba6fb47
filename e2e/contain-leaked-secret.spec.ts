import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { generateSecret } from "../lib/keys/secret";
import { serverLogPath } from "./support/admin";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret } from "./support/keys";

// A team lead's first move with a leaked secret is to paste it into the keys search. The secret never
// reaches a URL; it is looked up by hash and the key is revoked from there, in two clicks.

test.describe.configure({ mode: "serial" });

const name = `Payments webhook ${Math.random().toString(36).slice(2, 6)}`;
let secret = "";

async function expectSecretInNoUrl(page: Page, text: string) {
  // Past the search box's debounce, so a URL update would have happened.
  await page.waitForTimeout(600);
  expect(page.url()).not.toContain(text);
  const visited = await page.evaluate(() => performance.getEntriesByType("navigation").map((e) => e.name));
  for (const url of visited) expect(url).not.toContain(text);
}

test("paste a leaked secret into the keys search: the key is named in place and revoked in two clicks", async ({ page, request }) => {
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["write", "payments/**"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  secret = await takeSecret(page);
  expect((await (await request.post("/api/v1/keys/verify", { data: { key: secret } })).json()).valid).toBe(true);

  const requests: string[] = [];
  page.on("request", (r) => requests.push(`${r.method()} ${r.url()}`));
  await page.goto("/keys");
  await page.getByRole("searchbox", { name: "Search keys by name or prefix" }).fill(secret);
  const found = page.getByRole("region", { name: "Pasted secret" });
  await expect(found).toContainText(`This is the secret of ${name} (active, last used just now from 127.0.0.1)`);
  await expectSecretInNoUrl(page, secret);
  expect(requests.filter((r) => r.includes(secret))).toEqual([]);
  expect(requests.filter((r) => r.startsWith("GET ") && r.includes("q="))).toEqual([]);
  await expect(page.getByRole("heading", { level: 1 })).not.toContainText(secret);
  await expectAccessible(page);
  await screenshotBoth(page, "keys-pasted-secret");

  await found.getByRole("button", { name: "Revoke…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/Type the key's name/).fill(name);
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(dialog).toBeHidden();
  await expect(found).toContainText("revoked just now");

  const verdict = await (await request.post("/api/v1/keys/verify", { data: { key: secret } })).json();
  expect(verdict).toMatchObject({ valid: false, code: "REVOKED" });
  await expectSecretInNoUrl(page, secret);
  expect(readFileSync(serverLogPath, "utf8")).not.toContain(secret);
});

test("a valid secret of no key here says so, and Enter does not put it in the URL either", async ({ page }) => {
  const foreign = generateSecret({ prefix: "kw", env: "live" }).secret;
  await page.goto("/keys");
  const box = page.getByRole("searchbox", { name: "Search keys by name or prefix" });
  await box.fill(foreign);
  await box.press("Enter");
  await expect(page.getByRole("region", { name: "Pasted secret" })).toContainText("Not a key of this organization");
  await expectSecretInNoUrl(page, foreign);
});

test("a secret typed into the URL by hand is neither searched for nor echoed", async ({ page }) => {
  await page.goto(`/keys?q=${secret}`);
  await expect(page.getByRole("heading", { name: "API keys", exact: true })).toBeVisible();
  expect(await page.locator("main").innerText()).not.toContain(secret);
});

test("rotating from the pasted-secret result defaults to no grace, and says why", async ({ page }) => {
  await page.goto("/keys/new");
  const other = `${name} two`;
  await fillKeyForm(page, { name: other, scopes: [["read", ""]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  const leaked = await takeSecret(page);
  await page.goto("/keys");
  await page.getByRole("searchbox", { name: "Search keys by name or prefix" }).fill(leaked);
  await page.getByRole("region", { name: "Pasted secret" }).getByRole("button", { name: "Rotate secret" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("This secret leaked");
  await expect(dialog.getByLabel("Immediately")).toBeChecked();
});
