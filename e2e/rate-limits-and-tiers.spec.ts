import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret, verifyKey } from "./support/keys";

// Issue 18 (rate limits): a tier saved in the settings, a key given a limit and that tier in the create form,
// rate-limited after traffic at the verify endpoint, and the key page showing the window and the denials.

test.describe.configure({ mode: "serial" });

const run = Math.random().toString(36).slice(2, 6);
const tier = `pro-${run}`;
const name = `Partner API ${run}`;
let secret = "";

const HOUR_MS = 3_600_000;
// From the create test's first verification to the key page test's last, the key must stay in one window of
// its hourly limits ("0 left in this window", then RATE_LIMITED again): the two tests, within their timeouts.
const ROOM_MS = 2 * 60_000 + 30_000;

/**
 * Waits for the next hour when less than ROOM_MS is left in this one (the server runs on the real clock: no
 * earlier instant can be given to it), adding the wait to this test's timeout rather than taking it out of it.
 * Without it, an hour turning in the ~30 s between the two tests gave the key page a fresh window ("3 left").
 */
async function roomInHour() {
  const left = HOUR_MS - (Date.now() % HOUR_MS);
  if (left >= ROOM_MS) return;
  test.setTimeout(test.info().timeout + left);
  await new Promise((resolve) => setTimeout(resolve, left + 20));
}

async function bothWidthsAccessible(page: Page) {
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

test("settings: save a rate-limit tier", async ({ page }) => {
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Save a tier" });
  await form.getByLabel("Tier name").fill(tier);
  await form.getByLabel("Rate limits").fill("tier=100/1h");
  await form.getByLabel("Quota").fill("1000");
  await form.getByRole("button", { name: "Save tier" }).click();
  await expect(page.getByRole("list", { name: "Rate-limit tiers" })).toContainText(tier);
  await expect(page.getByRole("list", { name: "Rate-limit tiers" })).toContainText("tier=100/1h");
  await bothWidthsAccessible(page);
  await screenshotBoth(page, "settings-tiers");
});

test("create form: a bad limit is a field error; a limit and a tier are set, and verify rate-limits the key", async ({ page }) => {
  await roomInHour();
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["read", "partner/**"]], cidrs: [] });
  const limits = page.getByLabel("Rate limits");
  await limits.fill("api=three/1m");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByText("Write each limit as name=limit/duration")).toBeVisible();
  await expect(limits).toHaveAttribute("aria-invalid", "true");
  await bothWidthsAccessible(page);
  await screenshotBoth(page, "create-key-rate-limits");
  await limits.fill("api=3/1h");
  await page.getByLabel("Tier").selectOption(tier);
  await page.getByRole("button", { name: "Create key" }).click();
  secret = await takeSecret(page);
  const answers = [];
  for (let i = 0; i < 4; i++) answers.push(await verifyKey(page.request, { key: secret, action: "read", resource: "partner/x" }));
  expect(answers.map((a) => (a.valid ? "OK" : a.code))).toEqual(["OK", "OK", "OK", "RATE_LIMITED"]);
  expect(answers[2]).toMatchObject({
    ratelimits: [
      { name: "api", limit: 3, remaining: 0 },
      { name: "tier", limit: 100, remaining: 97 },
    ],
    quota: { remaining: 997 },
  });
});

test("key page: the current window, the quota left and the RATE_LIMITED denials", async ({ page }) => {
  await page.goto("/keys");
  await page.getByRole("link", { name }).click();
  await page.waitForURL(/\/keys\/key_/);
  const limits = page.getByTestId("key-limits");
  // The counts reach the database within a sync (100 ms), the usage events within a batch (250 ms).
  await expect(async () => {
    await page.reload();
    await expect(limits).toContainText("0 left in this window");
    await expect(page.getByText("Rate limited", { exact: false }).first()).toBeVisible();
  }).toPass({ timeout: 10_000 });
  await expect(limits).toContainText(`Tier: ${tier}`);
  await expect(limits).toContainText("997 of 1,000 credits left");
  await bothWidthsAccessible(page);
  await screenshotBoth(page, "key-rate-limited");
  expect(await verifyKey(page.request, { key: secret, action: "read", resource: "partner/x" })).toMatchObject({
    valid: false,
    code: "RATE_LIMITED",
  });
});
