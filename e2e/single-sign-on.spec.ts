import { expect, test } from "@playwright/test";
import { startOidcProvider, type TestProvider } from "../tests/support/oidc-provider";
import { expectAccessible, screenshotBoth } from "./support/keys";

// Single sign-on through a real OpenID provider (oidc-provider on 127.0.0.1, its own login screen) in Chromium:
// the admin configures it, a new person at an allowed domain signs in and joins, and a replayed callback and a
// disallowed domain are refused. The server runs with KEYWARD_SSO_ALLOW_HTTP_ISSUER=1 (playwright.config.ts).

let provider: TestProvider;
const CLIENT = { clientId: "keyward-e2e", clientSecret: "e2e-client-secret-0123456789" };

test.beforeAll(async ({ baseURL }) => {
  provider = await startOidcProvider({
    clients: [{ ...CLIENT, redirectUris: [`${baseURL}/sso/callback`] }],
    accounts: {
      "newbie@acme.test": { email: "newbie@acme.test", emailVerified: true },
      "eve@evil.test": { email: "eve@evil.test", emailVerified: true },
    },
  });
});
test.afterAll(async () => provider?.stop());

test("SSO: configure it, sign in through the provider and join; a replayed callback and a disallowed domain are refused", async ({
  page,
  browser,
  baseURL,
}) => {
  await page.goto("/settings");
  const form = page.getByRole("form", { name: "Single sign-on settings" });
  await expect(form.getByTestId("sso-redirect-uri")).toHaveText(`${baseURL}/sso/callback`);
  const orgId = (await page.getByText("Organization ID for sign-in:").locator("code").textContent())!.trim();

  // The issuer is checked by discovery when saved: nothing answers on port 9.
  await form.getByLabel("Issuer URL").fill("http://127.0.0.1:9");
  await form.getByLabel("Client ID").fill(CLIENT.clientId);
  await form.getByLabel("Client secret").fill(CLIENT.clientSecret);
  await form.getByLabel("Allowed email domains").fill("acme.test");
  await form.getByLabel("Role of people who join this way").selectOption("lead");
  await form.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(form.getByText(/No OpenID provider answered at this issuer URL/)).toBeVisible();
  await expect(form.getByLabel("Issuer URL")).toBeFocused();

  await form.getByLabel("Issuer URL").fill(provider.issuer);
  await form.getByRole("button", { name: "Save single sign-on" }).click();
  await expect(page.getByText("Single sign-on saved")).toBeVisible();
  await expect(form.getByText("A secret is saved; leave empty to keep it.")).toBeVisible();
  await expect(form.getByLabel("Client secret")).toHaveValue("");
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await expectAccessible(page);
  await screenshotBoth(page, "sso-settings");

  // A new person, signed out, at an allowed domain.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const visitor = await context.newPage();
  await visitor.goto("/login?next=/audit");
  await visitor.getByRole("button", { name: "Use single sign-on (SSO)" }).click();
  await visitor.getByLabel("Work email or organization ID").fill("newbie@acme.test");
  for (const width of [1280, 390]) {
    await visitor.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(visitor);
  }
  await screenshotBoth(visitor, "sso-sign-in");
  await visitor.getByRole("button", { name: "Continue with SSO" }).click();

  // The provider's own login screen (login pre-filled from the login_hint).
  await expect(visitor).toHaveURL(new RegExp(`^${provider.issuer}/interaction/`));
  await expect(visitor.locator("input[name=login]")).toHaveValue("newbie@acme.test");
  await visitor.locator("input[name=password]").fill("anything");
  // What an attacker would need besides the callback URL: this browser's state cookie (HttpOnly; read here by the test).
  const stateCookie = (await context.cookies()).find((c) => c.name === "kw_sso_state");
  expect(stateCookie).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  const [callback] = await Promise.all([
    visitor.waitForRequest((r) => r.url().startsWith(`${baseURL}/sso/callback`)),
    visitor.getByRole("button", { name: "Sign-in" }).click(),
  ]);
  const callbackUrl = new URL(callback.url());
  expect([...callbackUrl.searchParams.keys()].sort()).toEqual(["code", "iss", "state"]);
  await expect(visitor).toHaveURL(/\/audit$/);
  await expect(visitor.getByTestId("signed-in-user")).toHaveText("newbie@acme.test");
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === "kw_sso_state")).toBeUndefined();
  expect(cookies.find((c) => c.name === "kw_session")).toMatchObject({ httpOnly: true, sameSite: "Lax" });
  await context.close();

  // The same callback replayed from another browser: refused, not signed in — without the state cookie, and with a
  // copy of it (the state was used once already).
  const replay = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const replayPage = await replay.newPage();
  await replayPage.goto(callbackUrl.href);
  await expect(replayPage).toHaveURL(/\/login\?sso_error=state$/);
  await expect(replayPage.getByRole("alert").filter({ hasText: "was already used" })).toBeVisible();
  await replay.addCookies([stateCookie!]);
  await replayPage.goto(callbackUrl.href);
  await expect(replayPage).toHaveURL(/\/login\?sso_error=state$/);
  await expect(replayPage.getByRole("alert").filter({ hasText: "was already used" })).toBeVisible();
  await replayPage.goto("/keys");
  await expect(replayPage).toHaveURL(/\/login$/);

  // A verified address at a domain the organization does not allow (reaching it by its organization ID).
  await replayPage.getByRole("button", { name: "Use single sign-on (SSO)" }).click();
  await replayPage.getByLabel("Work email or organization ID").fill(orgId);
  await replayPage.getByRole("button", { name: "Continue with SSO" }).click();
  await expect(replayPage).toHaveURL(new RegExp(`^${provider.issuer}/interaction/`));
  await replayPage.locator("input[name=login]").fill("eve@evil.test");
  await replayPage.locator("input[name=password]").fill("anything");
  await replayPage.getByRole("button", { name: "Sign-in" }).click();
  await expect(replayPage).toHaveURL(/\/login\?sso_error=domain$/);
  await expect(replayPage.getByRole("alert").filter({ hasText: "domain may not join this organization" })).toBeVisible();
  await replay.close();

  // The admin sees the sign-in, the join and both refusals in the audit log.
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/audit");
  await expect(page.getByText("newbie@acme.test", { exact: true }).filter({ visible: true }).first()).toBeVisible();
  await expect(page.getByText("eve@evil.test", { exact: true }).filter({ visible: true }).first()).toBeVisible();
});
