import { expect, test } from "@playwright/test";
import { generateSecret } from "../lib/keys/secret";
import { expectAccessible, screenshotBoth, takeSecret } from "./support/keys";

// A security reviewer plants a canary from the review page; an intruder who finds it and calls verify is told
// only what an unknown key is told, and the review page shows who tried, from where, for what.

test.describe.configure({ mode: "serial" });

const name = `.env in legacy-billing ${Math.random().toString(36).slice(2, 6)}`;

test("plant a canary, present it to verify, see it marked triggered on the review page", async ({ page, request }) => {
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
