import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/admin";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret } from "./support/keys";

// Issue 15 §5 and §6: the audit trail as sentences (log and key page), the phone navigation, the skip link,
// toasts after a mutation and where focus lands after a submit.
test.describe.configure({ mode: "serial" });

const tag = Math.random().toString(36).slice(2, 6);
const CARTS = `Carts service ${tag}`;
const OTHER = `Carts reader ${tag}`;
let keyUrl = "";

async function createKey(page: Page, name: string, scopes: [string, string][], cidrs: string[]) {
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes, cidrs });
  await page.getByRole("button", { name: "Create key" }).click();
  await takeSecret(page);
}

const focusedText = (page: Page) => page.evaluate(() => `${document.activeElement?.tagName} ${document.activeElement?.textContent ?? ""}`);

test("an edit that removes a scope and narrows a CIDR reads as a sentence; a toast, then focus on the key's heading", async ({ page }) => {
  await createKey(page, OTHER, [["read", "carts/**"]], []);
  await createKey(
    page,
    CARTS,
    [
      ["read", "carts/**"],
      ["write", "carts/**"],
    ],
    ["203.0.113.0/24"],
  );
  await page.goto(`/keys?q=${tag}`);
  await page.getByRole("link", { name: CARTS }).click();
  await expect(page.getByRole("heading", { name: CARTS, level: 1 })).toBeVisible();
  keyUrl = page.url();

  await page.getByRole("link", { name: "Edit" }).click();
  await page.getByRole("button", { name: "Remove scope 2" }).click();
  await page.getByLabel("Allowed IPs").fill("203.0.113.0/28");
  await page.getByLabel("Never").check();
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(keyUrl);

  await expect(page.locator("[data-sonner-toast]").filter({ hasText: `Saved changes to ${CARTS}` })).toBeVisible();
  await expect(page.getByRole("heading", { name: CARTS, level: 1 })).toBeFocused();

  // The key's own trail, newest first, beside its usage.
  const trail = page.getByTestId("key-audit-trail").locator(":scope > li");
  await expect(trail).toHaveCount(2);
  await expect(trail.nth(0)).toContainText("Key edited");
  await expect(trail.nth(0).getByTestId("audit-sentence")).toHaveText(
    /^Removed scope write on carts\/\*\*; narrowed allowed IPs 203\.0\.113\.0\/24 → 203\.0\.113\.0\/28; expiry \d{4}-\d\d-\d\d → never$/,
  );
  await expect(trail.nth(1)).toContainText("Key created");
  await expect(trail.nth(1).getByTestId("audit-sentence")).toContainText("Created (live) with read on carts/**, write on carts/**");
  await expect(page.getByTestId("key-audit-trail")).not.toContainText(OTHER);
  await screenshotBoth(page, "key-detail-trail");
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
});

test("the audit log: sentences, the raw before/after behind an expander, no null and no JSON", async ({ page }) => {
  const keyId = keyUrl.split("/").pop()!;
  await page.goto(`/audit?key=${keyId}`);
  const table = page.getByTestId("audit-table");
  const edited = table.locator("tbody tr").filter({ hasText: "Key edited" });
  await expect(edited.getByTestId("audit-sentence")).toContainText(
    "Removed scope write on carts/**; narrowed allowed IPs 203.0.113.0/24 → 203.0.113.0/28; expiry ",
  );
  const text = await table.evaluate((el) => (el as HTMLElement).innerText);
  expect(text).not.toMatch(/\bnull\b/);
  expect(text).not.toMatch(/[{}]|":/);
  expect(await table.locator("pre").count()).toBe(0);

  await edited.getByText("Raw data").click();
  const raw = edited.locator("pre");
  await expect(raw).toBeVisible();
  const data = JSON.parse((await raw.textContent())!) as { before: { scopes: unknown[]; cidrs: string[] }; after: { cidrs: string[] } };
  expect(data.before.scopes).toHaveLength(2);
  expect(data.before.cidrs).toEqual(["203.0.113.0/24"]);
  expect(data.after.cidrs).toEqual(["203.0.113.0/28"]);
  await edited.getByText("Raw data").click();

  // A revoke without a reason: no "reason: null" anywhere.
  await page.goto("/audit?action=key.revoked");
  expect(await page.getByTestId("audit-table").evaluate((el) => (el as HTMLElement).innerText)).not.toMatch(/null/);

  // 1280 px: the table fits without horizontal scrolling. 390 px: each entry is a card.
  await page.goto("/audit");
  await page.setViewportSize({ width: 1280, height: 900 });
  const fits = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(fits).toBe(true);
  const wrapper = page.getByTestId("audit-table").locator("xpath=..");
  expect(await wrapper.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  await expectAccessible(page);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await expect(page.getByTestId("audit-table").locator("thead")).toBeHidden();
  const firstRow = page.getByTestId("audit-table").locator("tbody tr").first();
  expect(await firstRow.evaluate((el) => getComputedStyle(el).display)).toBe("grid");
  await expectAccessible(page);
  await screenshotBoth(page, "audit-sentences");
});

test("the edit form: a field error takes focus (checked in the browser and by the server)", async ({ page }) => {
  await page.goto(`${keyUrl}/edit`);
  // Typing before hydration would be reset by the form's default values.
  await page.waitForLoadState("networkidle");
  const name = page.getByLabel("Name", { exact: true });
  await name.fill("");
  await page.getByRole("button", { name: "Save changes" }).click();
  await expect(name).toBeFocused();
  await expect(name).toHaveAttribute("aria-invalid", "true");

  // Only the server knows the name is taken: its field error takes focus too.
  await name.fill(OTHER);
  await page.getByRole("button", { name: "Save changes" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByText("Key name taken").first()).toBeVisible();
  await expect(name).toBeFocused();
  await screenshotBoth(page, "edit-form-error");
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await expectAccessible(page);
  }
});

test("at 390 px the menu reaches every section; the skip link jumps to the content", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/keys");
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await screenshotBoth(page, "keys-page");
  await page.setViewportSize({ width: 390, height: 844 });

  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();

  const sections = [
    ["API keys", "/keys", "API keys"],
    ["Usage", "/usage", "Usage"],
    ["Review", "/review", "Security review"],
    ["Audit log", "/audit", "Audit log"],
    ["API reference", "/api-reference", "API reference"],
    ["Settings", "/settings", "Settings"],
  ] as const;
  await page.getByRole("button", { name: "Menu" }).click();
  const menu = page.getByRole("dialog", { name: "Menu" });
  for (const [label] of sections) await expect(menu.getByRole("link", { name: label, exact: true })).toBeInViewport();
  await expectAccessible(page);
  await page.keyboard.press("Escape");
  await expect(menu).toBeHidden();

  for (const [label, path, heading] of [...sections.slice(1), sections[0]]) {
    await page.getByRole("button", { name: "Menu" }).click();
    await menu.getByRole("link", { name: label, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${path}$`));
    await expect(menu).toBeHidden();
    const h1 = page.getByRole("heading", { level: 1 }).first();
    await expect(h1).toContainText(heading);
    // A client navigation puts focus on the new page's heading.
    await expect(h1).toBeFocused();
  }
  expect(await focusedText(page)).toContain("API keys");
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("sign-in follows a same-origin deep link and refuses other origins; a failed sign-in focuses its error", async ({ page }) => {
    const signIn = async (next: string, password = ADMIN.password) => {
      await page.goto(`/login?next=${encodeURIComponent(next)}`);
      await page.getByLabel("Email").fill(ADMIN.email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
    };
    await signIn("/audit", "not-the-password");
    await expect(page.getByRole("alert").filter({ hasText: "Email or password is incorrect" })).toBeFocused();

    await signIn("/audit?outcome=failed");
    await expect(page).toHaveURL(/\/audit\?outcome=failed$/);
    for (const evil of ["//evil.example", "https://evil.example", "/\\evil.example"]) {
      await page.context().clearCookies();
      await signIn(evil);
      await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/keys$/);
    }
    // Already signed in: the link is followed at once, and still only on this site.
    await page.goto(`/login?next=${encodeURIComponent("/usage")}`);
    await expect(page).toHaveURL(/\/usage$/);
    await page.goto(`/login?next=${encodeURIComponent("//evil.example")}`);
    await expect(page).toHaveURL(/\/keys$/);
  });
});
