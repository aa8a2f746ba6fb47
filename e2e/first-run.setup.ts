import { expect, test } from "@playwright/test";
import { ADMIN, adminStatePath } from "./support/admin";

test("first run: bootstrap, sign out, wrong password, sign in", async ({ page, playwright, baseURL }) => {
  // Before setup every page leads to /setup.
  await page.goto("/keys");
  await expect(page).toHaveURL(/\/setup$/);
  await page.goto("/login");
  await expect(page).toHaveURL(/\/setup$/);

  // Field errors from the shared schema, nothing submitted.
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("Enter your organization's name")).toBeVisible();
  await page.getByLabel("Your email").fill("not-an-email");
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page.getByText("Enter a valid email address, like ada@example.com")).toBeVisible();
  await expect(page.getByText("Use at least 12 characters")).toBeVisible();

  await page.getByLabel("Organization name").fill(ADMIN.org);
  await page.getByLabel("Your email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  const [setupRequest] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    page.getByRole("button", { name: "Create organization" }).click(),
  ]);

  // Signed in, on the API Keys page (empty state), inside the shell.
  await expect(page).toHaveURL(/\/keys$/);
  await expect(page.getByRole("heading", { name: "API keys", exact: true })).toBeVisible();
  await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.email);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await expect(page.getByText(ADMIN.org).first()).toBeVisible();

  // Setup can never run again: the page sends you away, and a direct POST of the action is refused.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/login$|\/keys$/);
  const attacker = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const replay = await attacker.post("/setup", {
    headers: {
      "next-action": setupRequest.headers()["next-action"],
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
    },
    data: JSON.stringify([{ orgName: "Evil Corp", keyPrefix: "evil", email: "mallory@example.com", password: "mallory-password-1" }]),
  });
  const replayBody = await replay.text();
  expect(replayBody).toContain("CONFLICT");
  expect(replayBody).toContain("Keyward is already set up");
  expect(replay.headers()["set-cookie"] ?? "").not.toContain("kw_session");
  await attacker.dispose();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect" })).toBeVisible();
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect" })).toBeVisible();

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/keys$/);
  await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.email);

  await page.context().storageState({ path: adminStatePath });
});
