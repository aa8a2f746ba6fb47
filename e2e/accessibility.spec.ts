import { mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test, type Locator, type Page } from "@playwright/test";
import { expectAccessible, fillKeyForm, screenshotDir, takeSecret } from "./support/keys";

// Must show (issue 15): no serious or critical axe violations on every console page and every dialog reachable
// from them, at 1280 px and at 390 px. The pages are discovered from app/(console)/**/page.tsx, so a new page
// fails this spec until it is listed in PAGES below.
test.describe.configure({ mode: "serial" });

const CONSOLE = "app/(console)";
const WIDTHS = [1280, 390] as const;
const tag = Math.random().toString(36).slice(2, 6);
const NAME = `Axe key ${tag}`;
const MEMBER = { email: `axe-${tag}@example.com`, password: `axe-password-${tag}-1234` };

interface Fixture {
  keyId: string;
  secret: string;
}
let fixture: Fixture;

/** Every console page, by its file, with the URL that shows it (dynamic segments filled from the fixture). */
const PAGES: Record<string, (f: Fixture) => string> = {
  "keys/page.tsx": () => "/keys",
  "keys/new/page.tsx": () => "/keys/new",
  "keys/[id]/page.tsx": (f) => `/keys/${f.keyId}`,
  "keys/[id]/edit/page.tsx": (f) => `/keys/${f.keyId}/edit`,
  "usage/page.tsx": () => "/usage",
  "audit/page.tsx": () => "/audit",
  "review/page.tsx": () => "/review",
  "settings/page.tsx": () => "/settings",
  "settings/organizations/new/page.tsx": () => "/settings/organizations/new",
  "settings/webhooks/page.tsx": () => "/settings/webhooks",
  "account/page.tsx": () => "/account",
  "api-reference/page.tsx": () => "/api-reference",
};

function pageFiles(dir = CONSOLE): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return pageFiles(full);
    return entry === "page.tsx" ? [path.relative(CONSOLE, full).split(path.sep).join("/")] : [];
  });
}

async function atWidth(page: Page, width: number) {
  await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
}

/** Opens a dialog, checks the page with it open, and closes it with Escape (or the given close step). */
async function checkDialog(page: Page, open: () => Promise<unknown>, name: string | RegExp, close?: (dialog: Locator) => Promise<unknown>) {
  await open();
  const dialog = page.getByRole("dialog", { name });
  await expect(dialog).toBeVisible();
  await expectAccessible(page);
  if (close) await close(dialog);
  else await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
}

/** A full-page screenshot into e2e/screenshots/, named for what it shows and the width. */
async function shot(page: Page, name: string, width: number, fullPage = true) {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: path.join(screenshotDir, `a11y-${name}-${width}.png`), fullPage });
}

async function hydrated(page: Page) {
  await page.waitForLoadState("networkidle");
}

test("every console page has an entry here (a new page is not forgotten)", () => {
  expect(pageFiles().sort()).toEqual(Object.keys(PAGES).sort());
});

test("fixture: a key that never expires (a review finding), rotated with grace (Expire now), and a second member", async ({
  page,
  browser,
}) => {
  await page.goto("/keys/new");
  await hydrated(page);
  await fillKeyForm(page, { name: NAME, scopes: [["read", "projects/**"]], cidrs: ["203.0.113.0/24"] });
  await page.getByLabel("Never").check();
  await page.getByRole("button", { name: "Create key" }).click();
  await takeSecret(page);
  await expect(page).toHaveURL(/\/keys$/);
  await page.goto(`/keys?q=${encodeURIComponent(NAME)}`);
  await page.getByRole("link", { name: NAME }).first().click();
  await expect(page).toHaveURL(/\/keys\/key_[A-Za-z0-9]+$/);
  const keyId = new URL(page.url()).pathname.split("/").at(-1)!;
  await page.getByRole("button", { name: "Rotate secret" }).click();
  await page.getByRole("dialog").getByLabel("After 1 hour").check();
  await page.getByRole("dialog").getByRole("button", { name: "Rotate secret" }).click();
  const secret = await takeSecret(page);
  fixture = { keyId, secret };

  await page.goto("/settings");
  await hydrated(page);
  await page.getByLabel("Email", { exact: true }).fill(MEMBER.email);
  await page.getByLabel("Role", { exact: true }).selectOption({ label: "Security reviewer" });
  await page.getByRole("button", { name: "Create invite link" }).click();
  const link = await page.getByTestId("invite-link").inputValue();
  const joiner = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const joinPage = await joiner.newPage();
  await joinPage.goto(link);
  await expectAccessible(joinPage);
  await joinPage.getByLabel("Choose a password").fill(MEMBER.password);
  await joinPage.getByRole("button", { name: "Create account and join" }).click();
  await expect(joinPage).toHaveURL(/\/keys$/);
  await joiner.close();
});

for (const width of WIDTHS) {
  test(`every console page at ${width} px`, async ({ page }) => {
    test.setTimeout(240_000);
    await atWidth(page, width);
    // Every page is checked before failing, so one run names every violation.
    const failures: string[] = [];
    for (const url of Object.values(PAGES).map((to) => to(fixture))) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      await expectAccessible(page).catch((error: Error) => failures.push(`${url}: ${error.message}`));
      // Nothing wider than the screen: a phone never scrolls sideways.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      if (overflow > width) failures.push(`${url}: ${overflow} px wide at ${width} px`);
      const name =
        url === `/keys/${fixture.keyId}`
          ? "key-detail"
          : url === `/keys/${fixture.keyId}/edit`
            ? "key-edit"
            : url.slice(1).replace(/\//g, "-");
      await shot(page, name, width);
    }
    expect(failures).toEqual([]);
  });

  test(`every dialog at ${width} px`, async ({ page }) => {
    test.setTimeout(240_000);
    await atWidth(page, width);

    // Navigation: the drawer below lg.
    await page.goto("/keys");
    await hydrated(page);
    if (width === 390) await checkDialog(page, () => page.getByRole("button", { name: "Menu" }).click(), "Menu");
    // The header's bell: the member's notifications.
    await checkDialog(page, () => page.getByTestId("notification-bell").click(), "Notifications");

    // Keys list: the row menu, rotate and revoke from it, bulk revoke.
    await page.goto(`/keys?q=${encodeURIComponent(NAME)}`);
    await hydrated(page);
    const actions = page.getByRole("button", { name: `Actions for ${NAME}` });
    await actions.click();
    await expect(page.getByRole("menu")).toBeVisible();
    await expectAccessible(page);
    await page.keyboard.press("Escape");
    await checkDialog(
      page,
      async () => {
        await actions.click();
        await page.getByRole("menuitem", { name: "Rotate secret…" }).click();
      },
      `Rotate “${NAME}”?`,
    );
    await checkDialog(
      page,
      async () => {
        await actions.click();
        await page.getByRole("menuitem", { name: "Revoke…" }).click();
      },
      `Revoke “${NAME}”?`,
    );
    await checkDialog(
      page,
      async () => {
        await page.getByRole("checkbox", { name: `Select ${NAME}` }).check();
        await page.getByRole("button", { name: "Revoke 1 key…" }).click();
      },
      "Revoke 1 key?",
    );

    // Create: the one-time secret modal.
    await page.goto("/keys/new");
    await hydrated(page);
    await fillKeyForm(page, { name: `Axe secret ${tag} ${width}`, scopes: [["read", "projects/**"]], cidrs: [] });
    await page.getByRole("button", { name: "Create key" }).click();
    await expect(page.getByRole("dialog", { name: "Your new API key" })).toBeVisible();
    await expectAccessible(page);
    // A dialog as the viewport shows it (a full-page capture would leave its overlay at the first screen).
    await shot(page, "secret-modal", width, false);
    await takeSecret(page);

    // Key page: rotate, revoke, expire the grace secret now.
    await page.goto(`/keys/${fixture.keyId}`);
    await hydrated(page);
    await checkDialog(page, () => page.getByRole("button", { name: "Rotate secret" }).click(), `Rotate “${NAME}”?`);
    await checkDialog(page, () => page.getByRole("button", { name: `Revoke… ${NAME}` }).click(), `Revoke “${NAME}”?`);
    await checkDialog(page, () => page.getByTestId("key-secrets").getByRole("button", { name: "Expire now" }).click(), /^Stop .+ now\?$/);

    // Edit: the confirmation of a change to allowed IPs.
    await page.goto(`/keys/${fixture.keyId}/edit`);
    await hydrated(page);
    await page.getByLabel("Allowed IPs").fill("203.0.113.0/28");
    await checkDialog(
      page,
      () => page.getByRole("button", { name: "Save changes" }).click(),
      "Confirm these changes",
      async () => {
        await shot(page, "edit-confirmation", width, false);
        await page.keyboard.press("Escape");
      },
    );

    // Review: the leak paste's revoke dialog and accepting a risk.
    await page.goto("/review");
    await hydrated(page);
    await page.getByLabel("Text that may contain a secret").fill(`log line: ${fixture.secret}`);
    await page.getByRole("button", { name: "Find keys" }).click();
    await checkDialog(
      page,
      () =>
        page
          .getByTestId("leak-results")
          .getByRole("button", { name: `Revoke… ${NAME}` })
          .click(),
      `Revoke “${NAME}”?`,
    );
    const finding = page.getByTestId("risky-keys").locator(":scope > li", { hasText: NAME });
    await checkDialog(
      page,
      () => finding.getByRole("button", { name: `Accept risk… Never expires on ${NAME}` }).click(),
      "Accept this risk?",
    );

    // Settings: an invite link created, a role changed, removing a member (inline confirmation).
    await page.goto("/settings");
    await hydrated(page);
    await page.getByLabel("Email", { exact: true }).fill(`axe-invite-${width}-${tag}@example.com`);
    await page.getByRole("button", { name: "Create invite link" }).click();
    await expect(page.getByTestId("invite-link")).toBeVisible();
    await expectAccessible(page);
    // The invite's toast leaves first: a second toast stacks over it, half transparent, which axe reads as low contrast.
    await expect(page.locator("[data-sonner-toast]")).toHaveCount(0, { timeout: 15_000 });
    const member = page.getByRole("listitem").filter({ hasText: MEMBER.email });
    await member.getByRole("combobox").selectOption({ label: width === 390 ? "Security reviewer" : "Team lead" });
    await expect(page.getByText("Role changed")).toBeVisible();
    // The toast fades in: checked once it is opaque (mid-fade its colours are not the ones people read).
    await expect(page.locator("[data-sonner-toast]").filter({ hasText: "Role changed" })).toHaveCSS("opacity", "1");
    await expectAccessible(page);
    await member.getByRole("button", { name: `Remove ${MEMBER.email}` }).click();
    await expect(member.getByRole("button", { name: `Yes, remove ${MEMBER.email}` })).toBeVisible();
    await expectAccessible(page);
    await member.getByRole("button", { name: "Cancel" }).click();
  });
}
