import { expect, test, type APIRequestContext } from "@playwright/test";
import { expectAccessible, fillKeyForm, takeSecret } from "./support/keys";

// A key rotated with a grace period, then its old secret learned to have leaked: "Expire now" ends the old
// secret at once, and the verification endpoint says so, while the new secret keeps working.

const name = `Grace key ${Math.random().toString(36).slice(2, 6)}`;

async function verify(request: APIRequestContext, key: string) {
  const response = await request.post("/api/v1/keys/verify", { data: { key } });
  expect(response.status()).toBe(200);
  return (await response.json()) as { valid: boolean; code?: string };
}

test("expire now: a rotated-out secret in its grace period is refused at verify, the new one still works", async ({ page, request }) => {
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["read", "reports/**"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  const original = await takeSecret(page);
  await page.goto(`/keys?q=${encodeURIComponent(name)}`);
  await page.getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/keys\/key_[A-Za-z0-9]+$/);

  await page.getByRole("button", { name: "Rotate secret" }).click();
  await page.getByRole("dialog").getByLabel("After 1 hour").check();
  await page.getByRole("dialog").getByRole("button", { name: "Rotate secret" }).click();
  const rotated = await takeSecret(page);
  expect(await verify(request, original)).toMatchObject({ valid: true });
  expect(await verify(request, rotated)).toMatchObject({ valid: true });

  const old = page.getByTestId("key-secrets").locator("li").nth(1);
  await expect(old).toContainText("Superseded · works until");
  await old.getByRole("button", { name: "Expire now" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText(`…${original.slice(-4)}`);
  await expectAccessible(page, "[role=dialog]");
  await dialog.getByRole("button", { name: "Expire now" }).click();
  await expect(dialog).toBeHidden();
  await expect(old).not.toContainText("works until");
  await expect(old.getByRole("button", { name: "Expire now" })).toHaveCount(0);

  expect(await verify(request, original)).toMatchObject({ valid: false, code: "EXPIRED" });
  expect(await verify(request, rotated)).toMatchObject({ valid: true });

  await page.goto("/audit");
  await expect(page.getByRole("main")).toContainText("Old secret ended");
});
