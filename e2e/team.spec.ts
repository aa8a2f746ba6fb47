import { expect, test, type Browser, type Page, type Request } from "@playwright/test";
import { verifyKey } from "./support/keys";

// One journey, in order: the admin invites a lead and an auditor; each joins through their link; the auditor
// can look but not touch (and a crafted revoke is refused by the server); the lead revokes a key.
test.describe.configure({ mode: "serial" });

const LEAD = { email: "lead@example.com", password: "lead-password-1234" };
const AUDITOR = { email: "auditor@example.com", password: "auditor-password-1234" };
const shot = (name: string) => `e2e/screenshots/${name}.png`;

async function invite(page: Page, email: string, roleLabel: string): Promise<string> {
  await page.goto("/settings");
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: roleLabel });
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = page.getByTestId("invite-link");
  await expect(link).toHaveValue(/\/invite\/[A-Za-z0-9_-]{43}$/);
  return link.inputValue();
}

async function join(browser: Browser, link: string, password: string, roleLabel: string) {
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await page.goto(link);
  await expect(page.getByRole("heading", { name: /^Join / })).toBeVisible();
  await page.getByLabel("Choose a password").fill(password);
  await page.getByRole("button", { name: "Create account and join" }).click();
  await expect(page).toHaveURL(/\/keys$/);
  await expect(page.getByTestId("signed-in-role")).toHaveText(roleLabel);
  return { context, page };
}

/** Creates a key with the form's defaults; returns its one-time secret. */
async function createKey(page: Page, name: string): Promise<string> {
  await page.goto("/keys/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("one-time-secret")).toBeVisible();
  const secret = (await page.getByTestId("one-time-secret").textContent())!.trim();
  await page.getByLabel("I have copied this secret").check();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page).toHaveURL(/\/keys$/);
  return secret;
}

function keyRow(page: Page, name: string) {
  return page.getByRole("row").filter({ has: page.getByRole("link", { name, exact: true }) });
}

/** Revokes one key from the list's bulk action; returns the server action request it sent. */
async function revokeFromList(page: Page, name: string): Promise<Request> {
  await page.goto("/keys");
  await page.getByRole("checkbox", { name: `Select ${name}`, exact: true }).check();
  await page.getByRole("button", { name: "Revoke 1 key…" }).click();
  await page.getByLabel(/to confirm/).fill("revoke 1 key");
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    page.getByRole("button", { name: "Revoke 1 key", exact: true }).click(),
  ]);
  await expect(page.getByRole("dialog").getByText("Revoked", { exact: true }).first()).toBeVisible();
  return request;
}

test("admin invites a lead and an auditor; the auditor can't revoke; the lead can", async ({ page, browser, playwright, baseURL }) => {
  const leadLink = await invite(page, LEAD.email, "Team lead");
  await page.screenshot({ path: shot("settings-invite-1280"), fullPage: true });
  const auditorLink = await invite(page, AUDITOR.email, "Security reviewer");
  await expect(page.getByRole("list", { name: "Pending invites" }).getByText(AUDITOR.email)).toBeVisible();

  const lead = await join(browser, leadLink, LEAD.password, "Team lead");
  const auditor = await join(browser, auditorLink, AUDITOR.password, "Security reviewer");

  // A link works once.
  const reuse = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const reusePage = await reuse.newPage();
  await reusePage.goto(leadLink);
  await expect(reusePage.getByRole("heading", { name: "This invite link can’t be used" })).toBeVisible();
  await reuse.close();

  await createKey(page, "Team key A");
  const keyBSecret = await createKey(page, "Team key B");
  const keyBHref = await keyRow(page, "Team key B").getByRole("link", { name: "Team key B" }).getAttribute("href");
  const keyBId = keyBHref!.split("/").pop()!;

  // The auditor sees the keys but no create or revoke controls, and the create page is refused.
  await auditor.page.goto("/keys");
  await expect(keyRow(auditor.page, "Team key A")).toBeVisible();
  await expect(auditor.page.getByRole("link", { name: "Create key" })).toHaveCount(0);
  await expect(auditor.page.getByRole("button", { name: "Revoke leaked key" })).toHaveCount(0);
  await expect(auditor.page.getByLabel("Select Team key A")).toHaveCount(0);
  await auditor.page.screenshot({ path: shot("keys-auditor-1280"), fullPage: true });
  await auditor.page.goto("/keys/new");
  await expect(auditor.page.getByRole("heading", { name: "You don’t have access to this page" })).toBeVisible();
  await auditor.page.goto("/settings");
  await expect(auditor.page.getByRole("button", { name: "Create invite link" })).toHaveCount(0);
  await expect(auditor.page.getByRole("button", { name: "Save policy" })).toHaveCount(0);

  // The admin's real revoke click gives the action id; replayed with the auditor's cookies on key B it is refused.
  const adminRevoke = await revokeFromList(page, "Team key A");
  const crafted = await playwright.request.newContext({ baseURL, storageState: await auditor.context.storageState() });
  const replay = await crafted.post("/keys", {
    headers: {
      "next-action": adminRevoke.headers()["next-action"],
      "content-type": "text/plain;charset=UTF-8",
      accept: "text/x-component",
      origin: baseURL!,
    },
    data: JSON.stringify([{ keyIds: [keyBId], confirmation: "revoke 1 key" }]),
  });
  const replayBody = await replay.text();
  expect(replayBody).toContain("FORBIDDEN");
  expect(replayBody).not.toContain('"ok":true');
  await crafted.dispose();
  await auditor.page.goto("/keys");
  await expect(keyRow(auditor.page, "Team key B").getByText("Active")).toBeVisible();

  // The lead revokes key B through the same screen.
  await expect(lead.page.getByRole("link", { name: "Create key" }).first()).toBeVisible();
  await expect(lead.page.getByRole("button", { name: "Revoke leaked key" })).toBeVisible();
  expect(await verifyKey(lead.page.request, { key: keyBSecret })).toMatchObject({ valid: true });
  await revokeFromList(lead.page, "Team key B");
  await lead.page.goto("/keys?status=all");
  await expect(keyRow(lead.page, "Team key B").getByText("Revoked")).toBeVisible();
  // Refused at the verify endpoint from the next call on.
  expect(await verifyKey(lead.page.request, { key: keyBSecret })).toMatchObject({ valid: false, code: "REVOKED" });

  // Removing the auditor ends their session at once.
  await page.goto("/settings");
  await page.getByRole("button", { name: `Remove ${AUDITOR.email}` }).click();
  await page.getByRole("button", { name: `Yes, remove ${AUDITOR.email}` }).click();
  await expect(page.getByRole("list", { name: "Members" }).getByText(AUDITOR.email)).toHaveCount(0);
  await auditor.page.goto("/keys");
  await expect(auditor.page).toHaveURL(/\/login$/);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: shot("settings-390"), fullPage: true });
  await lead.context.close();
  await auditor.context.close();
});

test("the last admin can't be demoted, and an admin can create and switch to another organization", async ({ page }) => {
  await page.goto("/settings");
  // The only admin is told why their role is fixed, with no error on load and no control that would fail.
  const me = page.getByRole("listitem").filter({ hasText: "admin@example.com" });
  await expect(me.getByRole("combobox")).toHaveValue("admin");
  await expect(me.getByRole("combobox")).toBeDisabled();
  await expect(me.getByRole("combobox")).toHaveAccessibleDescription(/The only admin: make someone else an admin/);
  await expect(me.getByRole("button", { name: /Remove/ })).toHaveCount(0);
  await expect(page.getByRole("list", { name: "Members" }).getByRole("alert")).toHaveCount(0);
  // Every role is described where roles are chosen: beside the member list and under the invite's role.
  const roles = page.getByRole("definition");
  await expect(roles.filter({ hasText: "Everything: keys, members and settings" })).toBeVisible();
  await expect(roles.filter({ hasText: "Views all keys and usage; creates, rotates and revokes keys" })).toBeVisible();
  await expect(roles.filter({ hasText: "Read-only: keys, usage, audit log, review and exports" })).toBeVisible();
  const others = page.getByRole("listitem").filter({ hasText: "lead@example.com" }).getByRole("combobox");
  await expect(others).toHaveAccessibleDescription(/Everything: keys, members and settings/);
  const inviteRole = page.getByLabel("Role", { exact: true });
  await inviteRole.selectOption({ label: "Security reviewer" });
  await expect(inviteRole).toHaveAccessibleDescription("Read-only: keys, usage, audit log, review and exports");
  await inviteRole.selectOption({ label: "Admin" });
  await expect(inviteRole).toHaveAccessibleDescription("Everything: keys, members and settings");

  await page.getByRole("link", { name: "New organization" }).click();
  await page.getByLabel("Organization name").fill("Second Org");
  await page.getByLabel("Key prefix").fill("sec");
  await page.getByRole("button", { name: "Create organization" }).click();
  await expect(page).toHaveURL(/\/keys$/);
  const switcher = page.getByLabel("Organization", { exact: true });
  await expect(switcher.locator("option:checked")).toHaveText("Second Org");
  await expect(page.getByRole("heading", { name: "No API keys yet" })).toBeVisible();
  await page.screenshot({ path: shot("org-switcher-1280") });

  await switcher.selectOption({ label: "Acme Robotics" });
  await expect(page).toHaveURL(/\/keys$/);
  await expect(page.getByLabel("Organization", { exact: true }).locator("option:checked")).toHaveText("Acme Robotics");
  await expect(keyRow(page, "Team key B")).toHaveCount(0); // revoked keys are off the default (active) view
});
