import { expect, test } from "@playwright/test";
import { fillKeyForm, verifyKey } from "./support/keys";

const ONLY_IPV4 = "Only IPv4 ranges are listed, so calls over IPv6 will be refused";

test("a test-environment key: the secret starts kw_test_, shows as test on its page, and verifies", async ({ page }) => {
  await page.goto("/keys/new");
  const environment = page.getByRole("group", { name: "Environment" });
  await expect(environment.getByRole("radio", { name: /kw_live_/ })).toBeChecked();
  await environment.getByRole("radio", { name: /kw_test_/ }).check();
  await fillKeyForm(page, { name: `Test env ${Date.now()}`, scopes: [["read", "projects/**"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();

  const dialog = page.getByRole("dialog");
  const secret = (await dialog.getByTestId("one-time-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^kw_test_[A-Za-z0-9]{38}$/);
  await dialog.getByLabel("I have copied this secret").check();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  await expect(page).toHaveURL(/\/keys$/);

  expect(await verifyKey(page.request, { key: secret, action: "read", resource: "projects/web" })).toMatchObject({ valid: true });
});

test("the only-IPv4 note appears where it helps, and a field error goes once its field is valid", async ({ page }) => {
  await page.goto("/keys/new");
  await expect(page.getByRole("heading", { name: "Create API key" })).toBeVisible();
  // Hydrated: a value typed before would be reset.
  await expect(page.getByRole("radio", { name: /kw_live_/ })).toBeChecked();
  const warnings = page.getByTestId("key-warnings");
  const cidrs = page.getByLabel("Allowed IPs");

  // An ordinary IPv4 allow list: no note about IPv6.
  await cidrs.fill("203.0.113.0/24\n198.51.100.7");
  await expect(warnings).toHaveCount(0);
  // The whole IPv4 space (someone meant "anyone"): IPv6 callers would be shut out, so it says so.
  await cidrs.fill("0.0.0.0/0");
  await expect(warnings).toContainText(ONLY_IPV4);
  await cidrs.fill("2001:db8::/32");
  await expect(warnings).toContainText("Only IPv6 ranges are listed, so calls over IPv4 will be refused");

  // Submitted with errors: each goes away as soon as its field holds a valid value.
  await cidrs.fill("203.0.113.0/24\nnot-an-ip");
  await page.getByLabel("Resource filter for scope 1").fill("a**");
  await page.getByLabel("Custom date").check();
  await page.getByLabel("Expiry date and time (your time zone)").fill("2020-01-01T09:30");
  await page.getByRole("button", { name: "Create key" }).click();
  const nameError = page.getByText("Give the key a name");
  const cidrError = page.getByText(/^Line 2: /);
  const filterError = page.getByText(/mixes a wildcard with other characters/);
  const dateError = page.getByText("That date and time is not in the future; pick a later one");
  for (const error of [nameError, cidrError, filterError, dateError]) await expect(error).toBeVisible();
  // The date error names no raw UTC instant.
  await expect(page.locator("#expiry-error")).not.toContainText(/\d{4}-\d{2}-\d{2}T/);

  await page.getByLabel("Name", { exact: true }).fill("Field errors clear");
  await expect(nameError).toBeHidden();
  await cidrs.fill("203.0.113.0/24\n198.51.100.0/24");
  await expect(cidrError).toBeHidden();
  await page.getByLabel("Resource filter for scope 1").fill("projects/**");
  await expect(filterError).toBeHidden();
  await page.getByLabel("Expiry date and time (your time zone)").fill(`${new Date().getFullYear() + 1}-06-01T09:30`);
  await expect(dateError).toBeHidden();
  await expect(page.locator("[aria-invalid=true]")).toHaveCount(0);
});
