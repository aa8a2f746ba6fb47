import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Secret, TOTP } from "otpauth";
import { ADMIN, e2eDataDir, e2eDatabaseUrl } from "./support/admin";
import { expectAccessible, screenshotDir } from "./support/keys";

// Second factors in Chromium: a member sets up an authenticator app on the account page (the test computes codes
// from the setup key it reads off the screen, as a phone app would), signs out and back in with password + code;
// a code is accepted once; a recovery code works once. Then an organization's "require two-factor" policy sends
// a member without one to the setup page until they have set one up, and the members list shows who has what.
test.describe.configure({ mode: "serial", timeout: 180_000 });

const STEP_MS = 30_000;

// The earlier specs' deliberate wrong passwords and codes share this spec's address (127.0.0.1): start it clean.
test.beforeAll(() => {
  execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "e2e/support/forget-throttles.ts"], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl, KEYWARD_DATA_DIR: e2eDataDir },
    encoding: "utf8",
  });
});

/** axe (no serious or critical violations) and a screenshot at phone and desktop widths, ending at desktop. */
async function checkBothWidths(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.waitForTimeout(150);
    await expectAccessible(page);
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}.png`), fullPage: true });
  }
}

/** An authenticator app for one secret: never hands out a code of a step it already gave (the server refuses those). */
function authenticator(secret: string) {
  let lastStep = -1;
  const step = () => Math.floor(Date.now() / STEP_MS);
  return {
    /** A code the server has not seen: this step's, or the next (inside its ±1 window), waiting if both are used. */
    async next(page: Page) {
      while (lastStep + 1 > step() + 1) await page.waitForTimeout(1000);
      const use = Math.max(step(), lastStep + 1);
      lastStep = use;
      return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: use * STEP_MS });
    },
    /** The last code handed out, again. */
    replay() {
      return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: lastStep * STEP_MS });
    },
  };
}

async function invite(page: Page, email: string, roleLabel: string): Promise<string> {
  await page.goto("/settings");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: roleLabel });
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = page.getByTestId("invite-link");
  await expect(link).toHaveValue(/\/invite\/[A-Za-z0-9_-]{43}$/);
  return link.inputValue();
}

async function join(browser: Browser, link: string, password: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(link);
  await page.getByLabel("Choose a password").fill(password);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page).toHaveURL(/\/(keys|two-factor\/setup)$/);
  return { context, page };
}

/** Sets up the authenticator app from wherever the setup panel is; returns its secret and the recovery codes. */
async function setUpAuthenticator(page: Page, name: string) {
  await page.getByRole("button", { name: "Set up authenticator app" }).click();
  const key = page.getByTestId("totp-secret");
  await expect(key).toBeVisible();
  await expect(page.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const secret = (await key.getAttribute("data-secret"))!;
  expect((await key.textContent())!.replace(/\s/g, "")).toBe(secret);
  await checkBothWidths(page, `${name}-setup`);

  const app = authenticator(secret);
  await page.getByLabel("Code from the app").fill("000000");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByText("That code is not right, or it was already used")).toBeVisible();
  await page.getByLabel("Code from the app").fill(await app.next(page));
  await page.getByRole("button", { name: "Turn on" }).click();

  const dialog = page.getByRole("dialog", { name: "Save your recovery codes" });
  await expect(dialog).toBeVisible();
  const recoveryCodes = (await dialog.getByTestId("recovery-codes").getByRole("listitem").allTextContents()).map((c) => c.trim());
  expect(recoveryCodes).toHaveLength(10);
  // Shown once: Escape does not close it, Done waits for the acknowledgement.
  await page.keyboard.press("Escape");
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Done" })).toBeDisabled();
  await checkBothWidths(page, `${name}-recovery-codes`);
  await dialog.getByLabel("I have saved these recovery codes").check();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  return { app, recoveryCodes };
}

async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

async function password(page: Page, email: string, pass: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login\/two-factor$/);
  await expect(page.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
}

async function code(page: Page, value: string) {
  await page.getByLabel("Authentication code").fill(value);
  await page.getByRole("button", { name: "Verify" }).click();
}

const MEMBER = { email: "two-factor@example.com", password: "two-factor-password-1234" };

test("authenticator app: set up, sign in with password + code, a code works once, a recovery code works once", async ({
  page,
  browser,
}) => {
  const link = await invite(page, MEMBER.email, "Security reviewer");
  const { context, page: member } = await join(browser, link, MEMBER.password);

  await member.goto("/account");
  await expect(member.getByRole("heading", { name: "Two-factor authentication" })).toBeVisible();
  const { app, recoveryCodes } = await setUpAuthenticator(member, "account-two-factor");
  await expect(member.getByRole("list", { name: "Your second factors" })).toContainText("Authenticator app");
  await expect(member.getByTestId("recovery-codes-left")).toHaveText("10 recovery codes left");
  await checkBothWidths(member, "account-two-factor-on");

  // The password alone no longer opens the console: no session until the code.
  await signOut(member);
  await password(member, MEMBER.email, MEMBER.password);
  await member.goto("/keys");
  await expect(member).toHaveURL(/\/login$/);
  await password(member, MEMBER.email, MEMBER.password);
  await checkBothWidths(member, "sign-in-two-factor");
  await code(member, await app.next(member));
  await expect(member).toHaveURL(/\/keys$/);
  await expect(member.getByTestId("signed-in-user")).toHaveText(MEMBER.email);

  // The same code again is refused.
  await signOut(member);
  await password(member, MEMBER.email, MEMBER.password);
  await code(member, app.replay());
  await expect(member.getByRole("alert").filter({ hasText: "That code is not right, or it was already used" })).toBeVisible();
  await expect(member).toHaveURL(/\/login\/two-factor$/);

  // A recovery code instead: works once.
  await code(member, recoveryCodes[0]);
  await expect(member).toHaveURL(/\/keys$/);
  await signOut(member);
  await password(member, MEMBER.email, MEMBER.password);
  await code(member, recoveryCodes[0]);
  await expect(member.getByRole("alert").filter({ hasText: "That code is not right, or it was already used" })).toBeVisible();
  await code(member, recoveryCodes[1]);
  await expect(member).toHaveURL(/\/keys$/);
  await member.goto("/account");
  await expect(member.getByTestId("recovery-codes-left")).toHaveText("8 recovery codes left");

  // Every step is in the audit log.
  await member.goto("/audit");
  for (const sentence of [
    /^Set up an authenticator app; 10 recovery codes made$/,
    /^Wrong or already used code at sign-in$/,
    /^Used a recovery code at sign-in; 9 codes left$/,
  ]) {
    await expect(member.getByText(sentence).first()).toBeVisible();
  }
  await context.close();
});

test("require two-factor: a member without one is sent to set it up, and the members list shows who has what", async ({ browser }) => {
  // The admin, in a browser of their own (the shared signed-in state stays in its organization).
  const adminContext = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const admin = await adminContext.newPage();
  await admin.goto("/login");
  await admin.getByLabel("Email").fill(ADMIN.email);
  await admin.getByLabel("Password").fill(ADMIN.password);
  await admin.getByRole("button", { name: "Sign in" }).click();
  await expect(admin).toHaveURL(/\/keys$/);
  await admin.goto("/settings/organizations/new");
  await admin.getByLabel("Organization name").fill("Policy Org");
  await admin.getByLabel("Key prefix").fill("pol");
  await admin.getByRole("button", { name: "Create organization" }).click();
  await expect(admin).toHaveURL(/\/keys$/);

  const lead = { email: "policy-lead@example.com", password: "policy-lead-password-1234" };
  const { context, page: member } = await join(browser, await invite(admin, lead.email, "Team lead"), lead.password);
  await expect(member).toHaveURL(/\/keys$/);

  await admin.goto("/settings");
  await admin.getByLabel("Require two-factor authentication").check();
  // The admin has no second factor either: their next request goes to the setup page.
  await expect(admin).toHaveURL(/\/two-factor\/setup$/);

  // The member's next request, whatever it is, goes to the setup page; nothing else opens.
  for (const path of ["/keys", "/settings", "/audit", "/account"]) {
    await member.goto(path);
    await expect(member).toHaveURL(/\/two-factor\/setup$/);
  }
  await expect(member.getByRole("heading", { name: "Set up two-factor authentication" })).toBeVisible();
  await expect(member.getByText("Policy Org requires a second factor")).toBeVisible();
  await checkBothWidths(member, "required-two-factor-setup");
  await setUpAuthenticator(member, "required-two-factor");
  await expect(member).toHaveURL(/\/keys$/);

  await member.goto("/settings");
  const rows = member.getByTestId("member-row");
  await expect(rows.filter({ hasText: lead.email }).getByTestId("member-factors")).toHaveText("Authenticator app");
  await expect(rows.filter({ hasText: ADMIN.email }).getByTestId("member-factors")).toHaveText("No second factor");
  await expect(member.getByText("Required for every member.")).toBeVisible();
  await checkBothWidths(member, "members-two-factor");

  // The admin signs out from the setup page; their own organization's console (Acme) is not affected.
  await admin.getByRole("button", { name: "Sign out" }).click();
  await expect(admin).toHaveURL(/\/login$/);
  await adminContext.close();
  await context.close();
});
