import { expect, test } from "@playwright/test";
import { expectAccessible, screenshotBoth } from "./support/keys";

// A member turns their alert emails off and on again on the account page; the audit log says so.
test("email me alerts: off and on again from the account page, audited", async ({ page }) => {
  await page.goto("/account");
  const card = page
    .locator("div")
    .filter({ has: page.getByRole("heading", { name: "Email me alerts" }) })
    .last();
  const status = page.getByTestId("email-alerts-status");
  await expect(status).toHaveText(/^On:/);
  // The e2e server has no SMTP settings: the page says no email goes out for now.
  await expect(card).toContainText("no mail server configured");
  await card.getByRole("button", { name: "Turn alert emails off" }).click();
  await expect(status).toHaveText(/^Off:/);
  await expect(card.getByRole("button", { name: "Turn alert emails on" })).toBeVisible();
  await expectAccessible(page);
  await screenshotBoth(page, "account-email-alerts-off");

  await page.reload();
  await expect(status).toHaveText(/^Off:/);
  await card.getByRole("button", { name: "Turn alert emails on" }).click();
  await expect(status).toHaveText(/^On:/);

  await page.goto("/audit");
  await expect(page.getByText("Turned their alert emails off").first()).toBeVisible();
  await expect(page.getByText("Turned their alert emails on").first()).toBeVisible();
});
