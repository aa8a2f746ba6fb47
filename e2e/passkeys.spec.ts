import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { e2eDataDir, e2eDatabaseUrl } from "./support/admin";
import { expectAccessible, screenshotDir } from "./support/keys";

// Passkeys in Chromium with its virtual authenticator (CDP WebAuthn domain; a platform authenticator with
// resident keys and user verification): a member adds a passkey on the account page, signs out, signs in with
// the passkey alone, then with the password and the passkey as the second step; a stale step-up is proven with
// the passkey; the passkey is removed. WebAuthn refuses an IP address as relying party, so the member's browser
// uses http://localhost (a secure context); the admin's shared session stays on 127.0.0.1.
test.describe.configure({ mode: "serial", timeout: 180_000 });

const MEMBER = { email: "passkey-member@example.com", password: "passkey-member-password-1234" };

function tsx(script: string, ...args: string[]) {
  return execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", script, ...args], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl, KEYWARD_DATA_DIR: e2eDataDir },
    encoding: "utf8",
  });
}

// The earlier specs' deliberate wrong passwords and codes share this spec's address: start it clean.
test.beforeAll(() => {
  tsx("e2e/support/forget-throttles.ts");
});

async function checkBothWidths(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.waitForTimeout(150);
    await expectAccessible(page);
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}.png`), fullPage: true });
  }
}

/** Chrome's virtual authenticator for every page of the context's first page (CDP sessions are per page). */
async function virtualAuthenticator(context: BrowserContext, page: Page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  return {
    credentials: async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials,
  };
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
}

test("passkey: add on the account page, sign in with it alone and as the second step, prove a step-up, remove it", async ({
  page,
  browser,
  baseURL,
}) => {
  const local = baseURL!.replace("127.0.0.1", "localhost");

  // The admin invites the member; the member joins from http://localhost.
  await page.goto("/settings");
  await page.getByLabel("Email", { exact: true }).fill(MEMBER.email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Team lead" });
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByTestId("invite-link").inputValue();
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL: local });
  const member = await context.newPage();
  const authenticator = await virtualAuthenticator(context, member);
  await member.goto(link.replace(/^https?:\/\/[^/]+/, local));
  await member.getByLabel("Choose a password").fill(MEMBER.password);
  await member.getByRole("button", { name: "Create account and join" }).click();
  await expect(member).toHaveURL(/\/keys$/);

  // Add a passkey: a name, then the authenticator; the first second factor comes with recovery codes.
  await member.goto("/account");
  await expect(member.getByRole("heading", { name: "Passkeys and security keys" })).toBeVisible();
  await member.getByRole("button", { name: "Add a passkey" }).click();
  await expect(member.getByText("Name this passkey")).toBeVisible();
  await member.getByLabel("Name for a new passkey").fill("Work laptop");
  await member.getByRole("button", { name: "Add a passkey" }).click();
  const codes = member.getByRole("dialog", { name: "Save your recovery codes" });
  await expect(codes).toBeVisible();
  await expect(codes.getByTestId("recovery-codes").getByRole("listitem")).toHaveCount(10);
  await codes.getByLabel("I have saved these recovery codes").check();
  await codes.getByRole("button", { name: "Done" }).click();
  await expect(codes).toBeHidden();
  const row = member.getByTestId("passkey-row");
  await expect(row).toHaveCount(1);
  await expect(row).toContainText("Work laptop");
  await expect(row).toContainText("never used");
  expect(await authenticator.credentials()).toHaveLength(1);
  await checkBothWidths(member, "account-passkeys");

  // The admin sees the member's factor.
  await page.goto("/settings");
  await expect(page.getByTestId("member-row").filter({ hasText: MEMBER.email }).getByTestId("member-factors")).toHaveText("Passkey");

  // Passwordless: the passkey alone.
  await signOut(member);
  await expect(member.getByRole("button", { name: "Continue with a passkey" })).toBeVisible();
  await checkBothWidths(member, "login-with-passkey");
  await member.getByRole("button", { name: "Continue with a passkey" }).click();
  await expect(member).toHaveURL(/\/keys$/);
  await member.goto("/account");
  await expect(member.getByTestId("passkey-row")).toContainText("last used");

  // Password, then the passkey as the second factor.
  await signOut(member);
  await member.getByLabel("Email").fill(MEMBER.email);
  await member.getByLabel("Password").fill(MEMBER.password);
  await member.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(member).toHaveURL(/\/login\/two-factor$/);
  await expect(member.getByRole("button", { name: "Use a passkey" })).toBeVisible();
  await checkBothWidths(member, "two-factor-passkey");
  await member.getByRole("button", { name: "Use a passkey" }).click();
  await expect(member).toHaveURL(/\/keys$/);

  // Removing it is a dangerous action: with a stale proof the step-up asks, and the passkey answers it.
  tsx("e2e/support/age-proof.ts", MEMBER.email);
  await member.goto("/account");
  await member.getByRole("button", { name: "Remove passkey Work laptop" }).click();
  const stepUp = member.getByRole("dialog", { name: "Confirm it’s you" });
  await expect(stepUp).toBeVisible();
  await expect(stepUp.getByRole("button", { name: "Use a passkey" })).toBeVisible();
  await checkBothWidths(member, "step-up-passkey");
  await stepUp.getByRole("button", { name: "Use a passkey" }).click();
  await expect(stepUp).toBeHidden();
  await expect(member.getByTestId("passkey-row")).toHaveCount(0);
  await expect(member.getByText("No passkey or security key yet.")).toBeVisible();

  // Gone from the server: the authenticator's passkey no longer signs in.
  await signOut(member);
  await member.getByRole("button", { name: "Continue with a passkey" }).click();
  await expect(member.getByRole("alert").filter({ hasText: "That passkey was not accepted" })).toBeVisible();
  await expect(member).toHaveURL(/\/login$/);
  await context.close();
});
