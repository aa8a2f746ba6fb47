import { execFileSync } from "node:child_process";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN, e2eDatabaseUrl, e2eDataDir } from "./support/admin";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret, verifyKey } from "./support/keys";

// Issue 14, step-up and sessions: a dangerous action asks for the password inline and then completes (the revoke
// ends at verify answering REVOKED); the account page lists sessions and signs the others out; an admin's reset
// link lets a member set a new password once, ending their sessions.

test.describe.configure({ mode: "serial" });

const tag = Math.random().toString(36).slice(2, 6);
const MEMBER = { email: `reset-${tag}@example.com`, password: "member-password-1234" };
const PHONE_UA = "Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0";

/** Makes the admin's last proof of identity two days old (the e2e server allows a day), in the server's database. */
function ageProof(email: string) {
  const out = execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "e2e/support/age-proof.ts", email], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl, KEYWARD_DATA_DIR: e2eDataDir },
    encoding: "utf8",
  });
  expect((JSON.parse(out.trim().split("\n").at(-1)!) as { aged: number }).aged).toBeGreaterThan(0);
}

async function signIn(browser: Browser, baseURL: string | undefined, email: string, password: string, userAgent?: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL, userAgent });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/keys$/);
  return { context, page };
}

/** Opens a key's revoke dialog from its page (clicking again if the page was not yet hydrated). */
async function openRevoke(page: Page, keyId: string, name: string) {
  await page.goto(`/keys/${keyId}`);
  const dialog = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  await expect(async () => {
    await page.getByRole("button", { name: `Revoke… ${name}` }).click();
    await expect(dialog).toBeVisible({ timeout: 2000 });
  }).toPass();
  return dialog;
}

async function createKey(page: Page, name: string) {
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["read", "reports/**"]], cidrs: ["10.0.0.0/8", "127.0.0.1/32"] });
  await page.getByRole("button", { name: "Create key" }).click();
  const secret = await takeSecret(page);
  const { keyId } = await verifyKey(page.request, { key: secret, action: "read", resource: "reports/q1" });
  return { id: keyId!, secret };
}

test("a stale session is asked for the password before revoking; the revoke then completes", async ({ page }) => {
  const name = `Step-up ${tag}`;
  const key = await createKey(page, name);
  ageProof(ADMIN.email);

  const revoke = await openRevoke(page, key.id, name);
  await revoke.getByLabel(/Type the key's name/).fill(name);
  await revoke.getByRole("button", { name: "Revoke key" }).click();

  const stepUp = page.getByRole("dialog", { name: "Confirm it’s you" });
  await expect(stepUp).toBeVisible();
  await expect(stepUp.getByLabel("Your password")).toBeFocused();
  // Not revoked while the dialog waits.
  expect(await verifyKey(page.request, { key: key.secret, action: "read", resource: "reports/q1" })).toMatchObject({ valid: true });
  await expectAccessible(page);
  await screenshotBoth(page, "step-up-dialog");

  await stepUp.getByLabel("Your password").fill("not-the-password");
  await stepUp.getByRole("button", { name: "Confirm" }).click();
  await expect(stepUp.getByText("That is not your password")).toBeVisible();
  expect(await verifyKey(page.request, { key: key.secret })).toMatchObject({ valid: true });

  await stepUp.getByLabel("Your password").fill(ADMIN.password);
  await stepUp.getByRole("button", { name: "Confirm" }).click();
  await expect(stepUp).toBeHidden();
  await expect(revoke).toBeHidden();
  await expect(page.getByText("Revoked", { exact: true }).first()).toBeVisible();
  expect(await verifyKey(page.request, { key: key.secret })).toMatchObject({ valid: false, code: "REVOKED" });

  // The proof now lasts: the next dangerous action goes straight through.
  const secondName = `Step-up after ${tag}`;
  const second = await createKey(page, secondName);
  const again = await openRevoke(page, second.id, secondName);
  await again.getByLabel(/Type the key's name/).fill(secondName);
  await again.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  expect(await verifyKey(page.request, { key: second.secret })).toMatchObject({ valid: false, code: "REVOKED" });
});

test("sessions list: device, address, this one marked; sign out one, then everywhere else", async ({ page, browser, baseURL }) => {
  const phone = await signIn(browser, baseURL, ADMIN.email, ADMIN.password, PHONE_UA);
  const laptop = await signIn(browser, baseURL, ADMIN.email, ADMIN.password);

  await page.goto("/account");
  const list = page.getByRole("list", { name: "Active sessions" });
  const rows = list.getByTestId("session-row");
  await expect(rows.first()).toContainText("This session");
  await expect(rows.filter({ hasText: "This session" })).toHaveCount(1);
  const phoneRow = rows.filter({ hasText: "Firefox 133 on Android (mobile)" });
  await expect(phoneRow).toHaveCount(1);
  await expect(phoneRow).toContainText("127.0.0.1");
  await expectAccessible(page);
  await screenshotBoth(page, "account-sessions");

  await phoneRow.getByRole("button", { name: /^Sign out Firefox 133/ }).click();
  await expect(phoneRow).toHaveCount(0);
  await phone.page.goto("/keys");
  await expect(phone.page).toHaveURL(/\/login$/);
  await laptop.page.goto("/keys");
  await expect(laptop.page).toHaveURL(/\/keys$/);

  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect(page.getByText("No other sessions: you are signed in only here.")).toBeVisible();
  await expect(rows).toHaveCount(1);
  await laptop.page.goto("/keys");
  await expect(laptop.page).toHaveURL(/\/login$/);
  await page.goto("/keys");
  await expect(page.getByTestId("signed-in-user")).toHaveText(ADMIN.email);
  await phone.context.close();
  await laptop.context.close();
});

test("reset link: issued once by an admin, sets a new password, ends the member's sessions, works once", async ({
  page,
  browser,
  baseURL,
}) => {
  // A member joins through an invite.
  await page.goto("/settings");
  await page.getByLabel("Email", { exact: true }).fill(MEMBER.email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Security reviewer" });
  await page.getByRole("button", { name: "Create invite link" }).click();
  const inviteLink = await page.getByTestId("invite-link").inputValue();
  const member = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL });
  const memberPage = await member.newPage();
  await memberPage.goto(inviteLink);
  await memberPage.getByLabel("Choose a password").fill(MEMBER.password);
  await memberPage.getByRole("button", { name: "Create account and join" }).click();
  await expect(memberPage).toHaveURL(/\/keys$/);

  // The admin issues the link: shown once, in a dialog.
  await page.goto("/settings");
  await screenshotBoth(page, "settings-members-reset");
  await page.getByRole("button", { name: `Reset password… of ${MEMBER.email}` }).click();
  const dialog = page.getByRole("dialog", { name: `Reset the password of ${MEMBER.email}?` });
  await dialog.getByRole("button", { name: "Create reset link" }).click();
  const shown = page.getByRole("dialog", { name: `Password reset link for ${MEMBER.email}` });
  const link = await shown.getByTestId("reset-link").inputValue();
  expect(link).toMatch(/\/reset-password\/[A-Za-z0-9_-]{43}$/);
  await expectAccessible(page);
  await screenshotBoth(page, "reset-link-shown");
  await shown.getByRole("button", { name: "Done" }).click();
  await expect(shown).toBeHidden();
  expect(await page.content()).not.toContain(link);

  // The member opens it (signed out, in another browser), is refused a weak password, then sets a strong one.
  const anon = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL });
  const resetPage = await anon.newPage();
  await resetPage.goto(link);
  await expect(resetPage.getByRole("heading", { name: "Set a new password" })).toBeVisible();
  await expect(resetPage.getByText(MEMBER.email)).toBeVisible();
  await expectAccessible(resetPage);
  await screenshotBoth(resetPage, "reset-password");
  await resetPage.getByLabel("New password", { exact: true }).fill("password1234");
  await resetPage.getByRole("button", { name: "Set new password" }).click();
  await expect(resetPage.getByText(/This password is too easy to guess/)).toBeVisible();
  const newPassword = `quartz lantern ${tag} meadow`;
  await resetPage.getByLabel("New password", { exact: true }).fill(newPassword);
  await resetPage.getByRole("button", { name: "Set new password" }).click();
  await expect(resetPage.getByRole("status")).toHaveText(/Your new password is set\. 1 session was signed out\./);
  await resetPage.getByRole("link", { name: "Go to sign in" }).click();
  await expect(resetPage).toHaveURL(/\/login$/);

  // Their old session has ended; the old password no longer works, the new one does.
  await memberPage.goto("/keys");
  await expect(memberPage).toHaveURL(/\/login$/);
  await memberPage.getByLabel("Email").fill(MEMBER.email);
  await memberPage.getByLabel("Password").fill(MEMBER.password);
  await memberPage.getByRole("button", { name: "Sign in" }).click();
  await expect(memberPage.getByRole("alert").filter({ hasText: "Email or password is incorrect" })).toBeVisible();
  await memberPage.getByLabel("Password").fill(newPassword);
  await memberPage.getByRole("button", { name: "Sign in" }).click();
  await expect(memberPage).toHaveURL(/\/keys$/);

  // Single use.
  await resetPage.goto(link);
  await expect(resetPage.getByRole("heading", { name: "This reset link can’t be used" })).toBeVisible();
  await anon.close();
  await member.close();

  await page.goto(`/audit`);
  await expect(page.getByText(`Issued a password reset link for ${MEMBER.email}`).first()).toBeVisible();
});
