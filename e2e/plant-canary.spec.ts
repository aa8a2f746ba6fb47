import { expect, test } from "@playwright/test";
import { generateSecret } from "../lib/keys/secret";
import { expectAccessible, screenshotBoth, takeSecret } from "./support/keys";

// A security reviewer plants a canary from the review page; an intruder who finds it and calls verify is told
// only what an unknown key is told; the alert reaches the reviewer's bell at once (unread, then marked read), and the
// review page shows who tried, from where, for what.

test.describe.configure({ mode: "serial" });

const name = `.env in legacy-billing ${Math.random().toString(36).slice(2, 6)}`;

test("plant a canary, present it to verify, see the alert in the bell and the canary marked triggered", async ({ page, request }) => {
  await page.goto("/review");
  await page.getByRole("button", { name: "Plant a canary" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Where will it be planted?").fill(name);
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Plant canary" }).click();
  await expect(dialog.getByTestId("one-time-secret")).toBeVisible();
  await screenshotBoth(page, "canary-secret");
  const secret = await takeSecret(page);

  const canary = page.getByTestId("canary").filter({ hasText: name });
  await expect(canary).toContainText("Not triggered");
  // Not a key: the keys list neither shows nor counts it.
  await page.goto("/keys");
  await expect(page.locator("body")).not.toContainText(name);

  const unknown = generateSecret({ prefix: "kw", env: "live" }).secret;
  const asIntruder = { "user-agent": "curl/8.5.0" };
  const canaryAnswer = await request.post("/api/v1/keys/verify", {
    data: { key: secret, action: "read", resource: "billing/invoices" },
    headers: asIntruder,
  });
  const unknownAnswer = await request.post("/api/v1/keys/verify", {
    data: { key: unknown, action: "read", resource: "billing/invoices" },
    headers: asIntruder,
  });
  expect(canaryAnswer.status()).toBe(unknownAnswer.status());
  expect(await canaryAnswer.text()).toBe(await unknownAnswer.text());
  expect(await canaryAnswer.json()).toEqual({ valid: false, code: "NOT_FOUND" });

  // The alert in the admin's bell: the dispatcher fans the event out within a second or so.
  const bell = page.getByTestId("notification-bell");
  const bellDialog = page.getByRole("dialog", { name: "Notifications" });
  const alert = bellDialog.getByRole("listitem").filter({ hasText: `Canary ${name} was presented from 127.0.0.1` });
  await expect(async () => {
    await page.goto("/review");
    await bell.click();
    await expect(alert).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(alert).toContainText(`Unread: Canary ${name}`);
  const unread = Number(/Notifications: (\d+) unread/.exec((await bell.getAttribute("aria-label")) ?? "")?.[1]);
  expect(unread).toBeGreaterThanOrEqual(1);
  await expect(bellDialog).toContainText(`${unread} unread`);
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expect(alert).toBeInViewport();
    await expectAccessible(page);
  }
  await screenshotBoth(page, "bell-canary-alert");
  await bellDialog.getByRole("button", { name: "Mark all read" }).click();
  await expect(bellDialog).toContainText("All read");
  await expect(alert).not.toContainText("Unread:");
  await bellDialog.getByRole("button", { name: "Close" }).click();
  await expect(bell).toHaveAccessibleName("Notifications");

  await page.goto("/review");
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("canary").filter({ hasText: name })).toContainText("Triggered", { timeout: 500 });
  }).toPass({ timeout: 5_000 });
  const triggered = page.getByTestId("canary").filter({ hasText: name });
  await expect(triggered).toContainText("127.0.0.1");
  await expect(triggered).toContainText("curl/8.5.0");
  await expect(triggered).toContainText("billing/invoices");
  await expectAccessible(page);
  await screenshotBoth(page, "review-canary-triggered");

  await page.goto("/settings");
  await expect(page.getByRole("heading", { name: "Leaked secrets" })).toBeVisible();
  await expect(page.getByLabel("Revoke the key")).toBeChecked();
  await expectAccessible(page);
  await screenshotBoth(page, "settings-leak-policy");
});
