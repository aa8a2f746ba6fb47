import { expect, test, type Locator, type Page } from "@playwright/test";
import path from "node:path";
import { expectAccessible, fillKeyForm, screenshotBoth, screenshotDir, takeSecret, verifyKey } from "./support/keys";

// Issue 15 §2 and §8: every revoke entry point (key page, list row menu, review, leak lookup, bulk) is the same
// typed gate with the key's recent use and "Rotate instead", ending with verify answering REVOKED; a review
// finding accepted until a date leaves the list and is audited; a revoked key still being called is a finding.

test.describe.configure({ mode: "serial" });

const tag = Math.random().toString(36).slice(2, 6);

async function createKey(page: Page, name: string, cidrs = ["10.0.0.0/8", "127.0.0.1/32"]): Promise<{ id: string; secret: string }> {
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["read", "reports/**"]], cidrs });
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await takeSecret(page);
  // verify names the key it matched: its id, without reading it off the page.
  const { keyId } = await verifyKey(page.request, { key: secret, action: "read", resource: "reports/setup" });
  expect(keyId).toMatch(/^key_/);
  return { id: keyId!, secret };
}

/** The gate itself: context loaded, the button disabled until the exact name is typed. Leaves the dialog ready to submit. */
async function passGate(dialog: Locator, name: string) {
  await expect(dialog.getByTestId("revoke-context")).toContainText("Requests, last 7 days");
  const submit = dialog.getByRole("button", { name: "Revoke key" });
  await expect(submit).toBeDisabled();
  await dialog.getByLabel(/Type the key's name/).fill(name.toUpperCase());
  await expect(submit).toBeDisabled();
  await dialog.getByLabel(/Type the key's name/).fill(name);
  await dialog.getByLabel("Reason (optional)").fill("e2e: one gate everywhere");
  await expect(submit).toBeEnabled();
}

async function revokedByVerify(page: Page, secret: string) {
  expect(await verifyKey(page.request, { key: secret })).toMatchObject({ valid: false, code: "REVOKED" });
}

test("key page: context, Rotate instead, and the typed gate; focus to the heading after revoking", async ({ page }) => {
  const name = `Gate detail ${tag}`;
  const key = await createKey(page, name);
  expect(await verifyKey(page.request, { key: key.secret, action: "read", resource: "reports/q1" })).toMatchObject({ valid: true });

  await page.goto(`/keys/${key.id}`);
  await page.getByRole("button", { name: `Revoke… ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  // Loaded on the server: the verify call above (its rollup and last use).
  await expect(dialog.getByTestId("revoke-context")).toContainText("127.0.0.1");
  await expect(dialog.getByTestId("revoke-context")).toContainText(/Requests, last 7 days\s*[1-9]/);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "revoke-dialog");

  // Rotate instead: the rotate dialog, in place of the revoke one.
  await dialog.getByRole("button", { name: "Rotate instead" }).click();
  const rotate = page.getByRole("dialog", { name: `Rotate “${name}”?` });
  await expect(rotate).toBeVisible();
  await rotate.getByRole("button", { name: "Cancel" }).click();
  await expect(rotate).toBeHidden();

  await page.getByRole("button", { name: `Revoke… ${name}` }).click();
  await passGate(dialog, name);
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name })).toBeFocused();
  await revokedByVerify(page, key.secret);
});

test("keys list row menu: open, copy id, rotate, revoke — the same gate; a stale dialog's error takes the focus", async ({
  page,
  context,
}) => {
  const name = `Gate row ${tag}`;
  const key = await createKey(page, name);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto(`/keys?q=${encodeURIComponent(`gate row ${tag}`)}`);
  const trigger = page.getByRole("button", { name: `Actions for ${name}` });
  await trigger.click();
  const menu = page.getByRole("menu");
  await expect(menu.getByRole("menuitem")).toHaveText(["Open", "Copy key id", "Rotate secret…", "Disable", "Revoke…"]);
  // Opened at each width (a menu left open across a resize keeps its old position).
  for (const width of [390, 1280]) {
    await page.keyboard.press("Escape");
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await trigger.click();
    await expect(menu).toBeVisible();
    await expectAccessible(page);
    await page.screenshot({ path: path.join(screenshotDir, `keys-row-menu-${width}.png`) });
  }
  // Keyboard: Escape closes back to the trigger, Enter opens on the first item, arrows move, Enter picks one.
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();
  await expect(trigger).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(menu.getByRole("menuitem", { name: "Open" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(menu.getByRole("menuitem", { name: "Copy key id" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key.id);

  // A second tab revokes the key while this one's dialog is open: the submit fails, and its message takes the focus.
  await trigger.click();
  await page.getByRole("menuitem", { name: "Revoke…" }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  await passGate(dialog, name);
  const other = await context.newPage();
  await other.goto(`/keys/${key.id}`);
  await other.getByRole("button", { name: `Revoke… ${name}` }).click();
  await other
    .getByRole("dialog")
    .getByLabel(/Type the key's name/)
    .fill(name);
  await other.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(other.getByRole("dialog")).toBeHidden();
  await other.close();
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(dialog.getByRole("alert")).toContainText("already revoked");
  await expect(dialog.getByRole("alert")).toBeFocused();
  await revokedByVerify(page, key.secret);
});

test("list row menu revoke ends at verify REVOKED, focus on the page heading", async ({ page }) => {
  const name = `Gate menu ${tag}`;
  const key = await createKey(page, name);
  await page.goto(`/keys?q=${encodeURIComponent(`gate menu ${tag}`)}`);
  await page.getByRole("button", { name: `Actions for ${name}` }).click();
  await page.getByRole("menuitem", { name: "Revoke…" }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  await passGate(dialog, name);
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeFocused();
  await revokedByVerify(page, key.secret);
});

test("review page: the same gate (no more one-click revoke), ending at verify REVOKED", async ({ page }) => {
  const name = `Gate review ${tag}`;
  const key = await createKey(page, name, []); // the whole internet: a review finding
  await page.goto("/review");
  const row = page.getByTestId("risky-keys").locator(":scope > li", { hasText: name });
  await row.getByRole("button", { name: `Revoke… ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  await passGate(dialog, name);
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { level: 1, name: "Security review" })).toBeFocused();
  await revokedByVerify(page, key.secret);
});

test("leak lookup in the keys search and the review's scan: the same gate", async ({ page }) => {
  const lookupName = `Gate lookup ${tag}`;
  const lookup = await createKey(page, lookupName);
  await page.goto("/keys");
  await page.getByRole("searchbox", { name: "Search keys by name or prefix" }).fill(lookup.secret);
  const found = page.getByRole("region", { name: "Pasted secret" });
  await found.getByRole("button", { name: `Revoke… ${lookupName}` }).click();
  const dialog = page.getByRole("dialog", { name: `Revoke “${lookupName}”?` });
  await passGate(dialog, lookupName);
  await dialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(found).toContainText("revoked just now");
  await revokedByVerify(page, lookup.secret);

  const one = await createKey(page, `Gate scan one ${tag}`);
  const two = await createKey(page, `Gate scan two ${tag}`);
  await page.goto("/review");
  await page.getByLabel("Text that may contain a secret").fill(`log: ${one.secret} and ${two.secret}`);
  await page.getByRole("button", { name: "Find keys" }).click();
  await page.getByRole("button", { name: "Revoke these 2 keys…" }).click();
  const bulk = page.getByRole("dialog", { name: "Revoke 2 keys?" });
  await expect(bulk.getByRole("button", { name: "Revoke 2 keys" })).toBeDisabled();
  await bulk.getByLabel(/to confirm/).fill("revoke 2 keys");
  await bulk.getByRole("button", { name: "Revoke 2 keys" }).click();
  const results = page.getByRole("dialog", { name: "Revoke results" });
  await expect(results.getByTestId("bulk-revoke-results")).toBeFocused();
  await results.getByRole("button", { name: "Close" }).click();
  await revokedByVerify(page, one.secret);
  await revokedByVerify(page, two.secret);
});

test("bulk: the bar stays on screen while scrolled, the button waits for the phrase, results take the focus", async ({ page }) => {
  const name = `Gate bulk ${tag}`;
  const key = await createKey(page, name);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 420 });
    // Every key (the revoked ones from the tests above too): a list taller than the window.
    await page.goto("/keys?status=all");
    await page.getByRole("checkbox", { name: `Select ${name}`, exact: true }).check();
    const bar = page.getByTestId("bulk-bar");
    // Scrolled into the middle of the list: the bar's own place is above the window, yet it is on screen.
    await page.evaluate(() => {
      const list = document.querySelector<HTMLElement>('[data-testid="bulk-bar"]')!.parentElement!.getBoundingClientRect();
      window.scrollTo(0, window.scrollY + list.top + list.height / 2 - 50);
    });
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(100);
    await expect(bar).toBeInViewport();
    expect((await bar.boundingBox())!.y).toBeLessThanOrEqual(1);
    await page.evaluate(() => document.querySelector('[role="region"][aria-label="API keys"]')?.scrollTo({ left: 400 }));
    await expect(bar).toBeInViewport();
  }
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByTestId("bulk-bar").getByRole("button", { name: "Revoke 1 key…" }).click();
  const dialog = page.getByRole("dialog", { name: "Revoke 1 key?" });
  const submit = dialog.getByRole("button", { name: "Revoke 1 key", exact: true });
  await expect(submit).toBeDisabled();
  await dialog.getByLabel(/to confirm/).fill("revoke 2 keys");
  await expect(submit).toBeDisabled();
  await dialog.getByLabel(/to confirm/).fill("revoke 1 key");
  await submit.click();
  await expect(page.getByRole("dialog", { name: "Revoke results" }).getByTestId("bulk-revoke-results")).toBeFocused();
  await revokedByVerify(page, key.secret);
});

test("accept a risk: justification and end date, the finding leaves the review, the acceptance is audited", async ({ page }) => {
  const name = `Break glass ${tag}`;
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["read", "reports/**"]], cidrs: ["10.0.0.0/8"] });
  await page.locator(`input[type=radio][value="never"]`).check();
  await page.getByRole("button", { name: "Create key" }).click();
  await takeSecret(page);

  await page.goto("/review");
  const row = page.getByTestId("risky-keys").locator(":scope > li", { hasText: name });
  await expect(row).toContainText("Never expires");
  await row.getByRole("button", { name: `Accept risk… Never expires on ${name}` }).click();
  const dialog = page.getByRole("dialog", { name: "Accept this risk?" });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "accept-risk-dialog");
  // No justification: refused, focus on the field that says why.
  await dialog.getByRole("button", { name: "Accept risk" }).click();
  await expect(dialog.getByText("Say why this risk is acceptable")).toBeVisible();
  await expect(dialog.getByLabel("Justification")).toBeFocused();
  await dialog.getByLabel("Justification").fill("Break-glass key for the on-call lead; must never expire");
  await dialog.getByRole("button", { name: "Accept risk" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("heading", { name: /Risky keys/ })).toBeFocused();
  await expect(page.getByTestId("risky-keys")).not.toContainText(name);

  await page.goto("/audit?action=review.risk_accepted");
  const table = page.getByTestId("audit-table");
  await expect(table).toContainText(name);
  await expect(table).toContainText("Break-glass key for the on-call lead");
});

test("a revoked key still being called is a review finding", async ({ page }) => {
  const name = `Still called ${tag}`;
  const key = await createKey(page, name);
  await page.goto(`/keys/${key.id}`);
  await page.getByRole("button", { name: `Revoke… ${name}` }).click();
  await passGate(page.getByRole("dialog"), name);
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("dialog")).toBeHidden();
  for (let i = 0; i < 3; i++) await revokedByVerify(page, key.secret);

  await expect(async () => {
    await page.goto("/review");
    const row = page.getByTestId("risky-keys").locator(":scope > li", { hasText: name });
    await expect(row).toContainText("Revoked or expired, still being called", { timeout: 1000 });
    await expect(row).toContainText("3 requests in the last 24 hours with this revoked key", { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const row = page.getByTestId("risky-keys").locator(":scope > li", { hasText: name });
  // Nothing to revoke any more: the finding offers Open and Accept risk only.
  await expect(row.getByRole("button", { name: /^Revoke/ })).toHaveCount(0);
  await expectAccessible(page);
  await screenshotBoth(page, "review-dead-key-finding");
});
