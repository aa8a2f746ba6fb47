import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/admin";
import { fillKeyForm, takeSecret } from "./support/keys";

test("a signed-out deep link leads to sign in and, after it, to the very page and query asked for", async ({ page, browser }) => {
  await page.goto("/keys/new");
  const name = `Deep link ${Date.now()}`;
  await fillKeyForm(page, { name, scopes: [["read", "projects/**"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  await takeSecret(page);
  await page.goto(`/keys?q=${encodeURIComponent(name)}`);
  await page.getByRole("link", { name }).first().click();
  await expect(page).toHaveURL(/\/keys\/key_[A-Za-z0-9]+$/);
  const deepLink = `${new URL(page.url()).pathname}?status=revoked`;

  const signedOut = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const visitor = await signedOut.newPage();
  await visitor.goto(deepLink);
  await expect(visitor).toHaveURL((url) => url.pathname === "/login" && url.searchParams.get("next") === deepLink);
  await visitor.getByLabel("Email").fill(ADMIN.email);
  await visitor.getByLabel("Password").fill(ADMIN.password);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor).toHaveURL((url) => `${url.pathname}${url.search}` === deepLink);
  await expect(visitor.getByRole("heading", { level: 1 })).toContainText("Deep link");

  // Another origin in ?next= is never followed: the sign-in lands on the keys page.
  await visitor.context().clearCookies();
  await visitor.goto(`/login?next=${encodeURIComponent("//evil.example/keys")}`);
  await visitor.getByLabel("Email").fill(ADMIN.email);
  await visitor.getByLabel("Password").fill(ADMIN.password);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor).toHaveURL((url) => url.origin === new URL(page.url()).origin && url.pathname === "/keys");
  await signedOut.close();
});
