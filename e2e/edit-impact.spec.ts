import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret, verifyKey } from "./support/keys";

// Issue 15 §4: before saving a narrower scope or allowed-IP list, the confirmation counts what the key's real
// traffic (recorded verifications) says will now be refused, naming the addresses and the scopes.

test.describe.configure({ mode: "serial" });

const tag = Math.random().toString(36).slice(2, 6);
let caller = "";

async function createKey(page: Page, name: string, scopes: [string, string][], cidrs: string[]) {
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes, cidrs });
  await page.getByRole("button", { name: "Create key" }).click();
  return takeSecret(page);
}

async function openEdit(page: Page, name: string) {
  await page.goto(`/keys?q=${encodeURIComponent(name)}`);
  await page.getByRole("link", { name }).click();
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  // Hydrated before typing (a value typed earlier is reset by hydration).
  await page.waitForLoadState("networkidle");
}

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  caller = await createKey(page, `Impact verifier ${tag}`, [["admin", "keys/verify"]], []);
  await page.close();
});

test("narrowing the ranges and dropping a scope: the confirmation names the address and the request counts", async ({ page }) => {
  const name = `Cart service ${tag}`;
  const secret = await createKey(
    page,
    name,
    [
      ["write", "carts/**"],
      ["read", "products/**"],
    ],
    ["203.0.113.0/24"],
  );
  // Real traffic, verified on behalf of two client addresses.
  for (let i = 0; i < 7; i++) {
    expect(
      await verifyKey(page.request, { key: secret, action: "write", resource: `carts/eu/${i}`, ip: "203.0.113.42" }, caller),
    ).toMatchObject({
      valid: true,
    });
  }
  for (let i = 0; i < 3; i++) {
    expect(
      await verifyKey(page.request, { key: secret, action: "read", resource: "products/hats", ip: "203.0.113.7" }, caller),
    ).toMatchObject({
      valid: true,
    });
  }
  // Usage is written in batches every 250 ms.
  await page.waitForTimeout(800);

  await openEdit(page, name);
  await page.getByLabel("Allowed IPs").fill("203.0.113.0/28");
  await page.getByRole("button", { name: "Remove scope 1" }).click();
  await page.getByRole("button", { name: "Save changes" }).click();
  const dialog = page.getByRole("dialog", { name: "Confirm these changes" });
  const impact = dialog.getByTestId("edit-impact");
  await expect(impact).toContainText("1 client address (203.0.113.42 — 7 requests) is outside the new ranges");
  await expect(impact).toContainText("7 requests for write on carts/** are no longer covered");
  await expect(impact).not.toContainText("203.0.113.7");
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "edit-impact-dialog");
  await page.setViewportSize({ width: 1280, height: 900 });

  await dialog.getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(/\/keys\/key_[A-Za-z0-9]+$/);
  // What the confirmation predicted is what verify now does.
  expect(
    await verifyKey(page.request, { key: secret, action: "read", resource: "products/hats", ip: "203.0.113.42" }, caller),
  ).toMatchObject({
    valid: false,
    code: "IP_NOT_ALLOWED",
  });
  expect(await verifyKey(page.request, { key: secret, action: "write", resource: "carts/eu/1", ip: "203.0.113.7" }, caller)).toMatchObject({
    valid: false,
    code: "INSUFFICIENT_SCOPE",
  });
  expect(
    await verifyKey(page.request, { key: secret, action: "read", resource: "products/hats", ip: "203.0.113.7" }, caller),
  ).toMatchObject({
    valid: true,
  });
});

test("a change the recorded traffic never needed says that nothing would have been refused", async ({ page }) => {
  const name = `Quiet change ${tag}`;
  const secret = await createKey(page, name, [["read", "reports/**"]], ["198.51.100.0/24"]);
  expect(await verifyKey(page.request, { key: secret, action: "read", resource: "reports/q1", ip: "198.51.100.9" }, caller)).toMatchObject({
    valid: true,
  });
  await page.waitForTimeout(800);
  await openEdit(page, name);
  await page.getByLabel("Allowed IPs").fill("198.51.100.0/28");
  await page.getByRole("button", { name: "Save changes" }).click();
  const impact = page.getByRole("dialog").getByTestId("edit-impact");
  await expect(impact).toContainText("1 allowed request in the last 30 days: none would have been refused.");
});
