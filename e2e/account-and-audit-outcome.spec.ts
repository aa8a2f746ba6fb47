import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/admin";

// A member changes their password on the account page (current one required, other sessions signed out), and
// the audit log filters by outcome, on the page and in the CSV. The first-run setup left two failed sign-ins.

const NEW_PASSWORD = "e2e-changed-password-5678";

test("change password: current one required, weak one refused, other sessions signed out", async ({ page, browser, baseURL }) => {
  // A second browser signed in as the same admin.
  const other = await browser.newContext({ storageState: undefined, baseURL });
  const otherPage = await other.newPage();
  await otherPage.goto("/login");
  await otherPage.getByLabel("Email").fill(ADMIN.email);
  await otherPage.getByLabel("Password").fill(ADMIN.password);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage).toHaveURL(/\/keys$/);

  await page.goto("/keys");
  await page.getByTestId("signed-in-user").click();
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("heading", { name: "Your account" })).toBeVisible();

  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill("not my password");
  await form.getByLabel("New password").fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByText("That is not your current password")).toBeVisible();

  await form.getByLabel("Current password").fill(ADMIN.password);
  await form.getByLabel("New password").fill("password1234");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByText(/This password is too easy to guess/)).toBeVisible();

  await form.getByLabel("New password").fill(NEW_PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText(/Password changed\. \d+ other sessions? (was|were) signed out\./);

  // The other browser's session has ended; this one goes on.
  await otherPage.goto("/keys");
  await expect(otherPage).toHaveURL(/\/login$/);
  await page.goto("/keys");
  await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.email);

  // The new password signs in; then it is changed back for the other specs.
  await otherPage.getByLabel("Email").fill(ADMIN.email);
  await otherPage.getByLabel("Password").fill(NEW_PASSWORD);
  await otherPage.getByRole("button", { name: "Sign in" }).click();
  await expect(otherPage).toHaveURL(/\/keys$/);
  await other.close();

  await page.goto("/account");
  await form.getByLabel("Current password").fill(NEW_PASSWORD);
  await form.getByLabel("New password").fill(ADMIN.password);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByRole("status")).toHaveText(/Password changed/);
});

test("the audit log filters by outcome, on the page and in the CSV", async ({ page }) => {
  await page.goto("/audit");
  await page.getByLabel("Outcome").selectOption("failed");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/outcome=failed/);
  const table = page.getByTestId("audit-table");
  await expect(table.getByText("Sign-in failed").first()).toBeVisible();
  await expect(table.getByText("nobody@example.com", { exact: true })).toBeVisible();
  await expect(table.getByText("Password change refused").first()).toBeVisible();
  await expect(table.getByText("Signed in", { exact: true })).toHaveCount(0);
  const badges = await table.getByTestId("audit-outcome").allTextContents();
  expect(badges.length).toBeGreaterThan(0);
  expect(new Set(badges)).toEqual(new Set(["Failed"]));

  const href = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
  expect(href).toContain("outcome=failed");
  const csv = await (await page.request.get(href!)).text();
  const [header, ...lines] = csv.trim().split("\n");
  const column = header.split(",").indexOf("outcome");
  expect(column).toBeGreaterThan(0);
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line.split(",")[column]).toBe("failed");
});
