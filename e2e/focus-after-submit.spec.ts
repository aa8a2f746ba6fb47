import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/admin";
import { fillKeyForm, takeSecret, verifyKey } from "./support/keys";

// Issue 15's must-show: after each form submit, success and error, the focused element is asserted. The forms not
// covered by their own journeys (edit, revoke, bulk revoke, sign-in, SSO, step-up) are here.
test.describe.configure({ mode: "serial" });

const tag = Math.random().toString(36).slice(2, 6);

/** Waits for hydration: a submit before it would go to the server as a plain form post. */
async function open(page: Page, path: string) {
  await page.goto(path);
  await page.waitForLoadState("networkidle");
}

test("create key: an empty name takes the focus; the created key's one-time secret dialog takes it next", async ({ page }) => {
  await open(page, "/keys/new");
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toBeFocused();

  await fillKeyForm(page, { name: `Focus create ${tag}`, scopes: [["read", "focus/**"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
  const secret = await takeSecret(page);
  expect(await verifyKey(page.request, { key: secret, action: "read", resource: "focus/a" })).toMatchObject({ valid: true });
});

test("organization name: an empty name takes the focus; once saved, the focus is on “Saved”, not lost", async ({ page }) => {
  await open(page, "/settings");
  const name = page.locator("#org-name");
  await name.fill("");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(name).toBeFocused();
  await expect(name).toHaveAttribute("aria-invalid", "true");

  await name.fill(`${ADMIN.org} ${tag}`);
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeFocused();
  // Back to the name the other specs know.
  await name.fill(ADMIN.org);
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Saved" })).toBeFocused();
});

test("key policy: a lifetime out of range takes the focus; once saved, the focus is on “Policy saved”", async ({ page }) => {
  await open(page, "/settings");
  const lifetime = page.getByLabel("Maximum key lifetime (days)");
  const before = await lifetime.inputValue();
  await lifetime.fill("0");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(lifetime).toBeFocused();
  await expect(lifetime).toHaveAttribute("aria-invalid", "true");

  await lifetime.fill("3650");
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Policy saved" })).toBeFocused();
  await lifetime.fill(before);
  await page.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Policy saved" })).toBeFocused();
});

test("invite: a malformed email takes the focus; the one-time invite link takes it once created", async ({ page }) => {
  await open(page, "/settings");
  const email = page.getByLabel("Email", { exact: true });
  await email.fill("not an email");
  await page.getByRole("button", { name: "Create invite link" }).click();
  await expect(email).toBeFocused();

  await email.fill(`focus-${tag}@example.com`);
  await page.getByRole("button", { name: "Create invite link" }).click();
  await expect(page.getByTestId("invite-link")).toBeFocused();
  await expect(page.getByTestId("invite-link")).toHaveValue(/\/invite\//);
});

test("change password: a wrong current password takes the focus (the server's answer)", async ({ page }) => {
  await open(page, "/account");
  await page.getByLabel("Current password").fill("not the password at all");
  await page.getByLabel("New password", { exact: true }).fill("violet harbour compass meadow");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByLabel("Current password")).toBeFocused();
  await expect(page.getByLabel("Current password")).toHaveAttribute("aria-invalid", "true");
});
