import { expect, test, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { ADMIN, e2eDataDir, e2eDatabaseUrl } from "./support/admin";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret, verifyKey } from "./support/keys";

// Issue 18 (first part): owner, tags and meta set in the create form and returned by verify; the list filtered
// by a tag; a key disabled and enabled again from the list's row menu, each ending at the verify endpoint.

test.describe.configure({ mode: "serial" });

const run = Math.random().toString(36).slice(2, 6);
const name = `Billing worker ${run}`;
const tag = `e2e-${run}`;
let secret = "";

function ageProof(email: string) {
  const out = execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "e2e/support/age-proof.ts", email], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl, KEYWARD_DATA_DIR: e2eDataDir },
    encoding: "utf8",
  });
  expect((JSON.parse(out.trim().split("\n").at(-1)!) as { aged: number }).aged).toBeGreaterThan(0);
}

async function verifyBody(page: Page) {
  const res = await page.request.post("/api/v1/keys/verify", { data: { key: secret, action: "read", resource: "billing/x" } });
  expect(res.status()).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

const row = (page: Page) => page.getByRole("row").filter({ hasText: name });

test("create form: owner, tags and meta (a bad meta is a field error), returned by verify", async ({ page }) => {
  await page.goto("/keys/new");
  await expect(page.getByText("never put secrets here")).toBeVisible();
  await fillKeyForm(page, { name, scopes: [["read", "billing/**"]], cidrs: [] });
  await page.getByLabel("Owner", { exact: true }).fill("cus_4242");
  await page.getByLabel("Tags", { exact: true }).fill(`billing, ${tag}`);
  await page.getByLabel("Meta (JSON object)").fill("[1, 2]");
  await page.getByRole("button", { name: "Create key" }).click();
  const meta = page.getByLabel("Meta (JSON object)");
  await expect(page.getByText("Meta must be a JSON object")).toBeVisible();
  await expect(meta).toHaveAttribute("aria-invalid", "true");
  await expect(meta).toBeFocused();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "create-key-owner-meta");
  await meta.fill('{"plan": "pro", "seats": 5}');
  await page.getByRole("button", { name: "Create key" }).click();
  secret = await takeSecret(page);
  expect(await verifyBody(page)).toMatchObject({
    valid: true,
    name,
    owner: "cus_4242",
    tags: ["billing", tag],
    meta: { plan: "pro", seats: 5 },
  });
});

test("keys list: owner and tag chips, filtered by tag", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/keys");
  await page.getByLabel("Filter by tag").selectOption(tag);
  await expect(page).toHaveURL(new RegExp(`[?&]tag=${tag}`));
  await expect(page.getByRole("link", { name: `Tag: ${tag} (remove this filter)` })).toBeVisible();
  const table = page.getByRole("region", { name: "API keys" });
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(row(page)).toContainText("cus_4242");
  await expect(row(page).getByRole("link", { name: `Show keys tagged ${tag}` })).toBeVisible();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "keys-filtered-by-tag");
});

test("row menu: Disable (no step-up) makes verify answer DISABLED; Enable asks for a step-up, then verify is valid again", async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/keys?tag=${tag}`);
  await row(page)
    .getByRole("button", { name: `Actions for ${name}` })
    .click();
  await page.getByRole("menuitem", { name: "Disable" }).click();
  await expect(page.getByText(`Disabled “${name}”`)).toBeVisible();
  await expect(row(page).getByText("Disabled", { exact: true })).toBeVisible();
  expect(await verifyKey(page.request, { key: secret })).toMatchObject({ valid: false, code: "DISABLED" });
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "keys-row-disabled");

  await page.goto(`/keys?tag=${tag}`);
  await page.setViewportSize({ width: 1280, height: 900 });
  ageProof(ADMIN.email);
  await row(page)
    .getByRole("button", { name: `Actions for ${name}` })
    .click();
  await page.getByRole("menuitem", { name: "Enable" }).click();
  const stepUp = page.getByRole("dialog", { name: "Confirm it’s you" });
  await expect(stepUp).toBeVisible();
  // Still disabled while the dialog waits.
  expect(await verifyKey(page.request, { key: secret })).toMatchObject({ valid: false, code: "DISABLED" });
  await stepUp.getByLabel("Your password").fill(ADMIN.password);
  await stepUp.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByText(`Enabled “${name}”`)).toBeVisible();
  await expect(row(page).getByText("Disabled", { exact: true })).toHaveCount(0);
  expect(await verifyBody(page)).toMatchObject({ valid: true, owner: "cus_4242" });
});

test("key page: the Disabled badge and Disable/Enable button", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`/keys?tag=${tag}`);
  await row(page).getByRole("link", { name }).click();
  await page.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByText("Verifications answer DISABLED until the key is enabled again.")).toBeVisible();
  await expect(page.getByRole("button", { name: "Enable" })).toBeVisible();
  expect(await verifyKey(page.request, { key: secret })).toMatchObject({ valid: false, code: "DISABLED" });
  await expect(page.getByText("cus_4242")).toBeVisible();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "key-detail-disabled");
});

test("review: a key disabled for over 30 days is listed (revoke or re-enable); enabling it there ends at verify valid", async ({
  page,
}) => {
  const { keyId } = (await page.request.post("/api/v1/keys/verify", { data: { key: secret } }).then((r) => r.json())) as { keyId: string };
  const out = execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "e2e/support/age-disabled.ts", keyId], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl, KEYWARD_DATA_DIR: e2eDataDir },
    encoding: "utf8",
  });
  expect((JSON.parse(out.trim().split("\n").at(-1)!) as { aged: number }).aged).toBe(1);
  await page.goto("/review");
  const section = page.getByRole("region", { name: /Disabled for over 30 days/ });
  const item = section.getByRole("listitem").filter({ hasText: name });
  await expect(item).toContainText("owner cus_4242");
  await expect(item.getByRole("button", { name: `Revoke… ${name}` })).toBeVisible();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "review-long-disabled");
  await item.getByRole("button", { name: "Enable" }).click();
  await expect(page.getByText(`Enabled “${name}”`)).toBeVisible();
  await expect(section.getByRole("listitem").filter({ hasText: name })).toHaveCount(0);
  expect(await verifyKey(page.request, { key: secret })).toMatchObject({ valid: true });
});
