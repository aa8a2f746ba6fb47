import { expect, test, type Page } from "@playwright/test";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret, verifyKey } from "./support/keys";

// Issue 15 §1: the Review page's leak scan opens from a "Revoke leaked key" button on the keys page, so a team
// lead with a leaked log in hand need not know where the tool lives. (Its absence for a read-only role is
// pinned in e2e/team.spec.ts.)

const tag = Math.random().toString(36).slice(2, 6);

async function createKey(page: Page, name: string): Promise<string> {
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["read", "reports/**"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  return takeSecret(page);
}

test("Revoke leaked key on the keys page: paste a log, the key in it is found and revoked through the typed gate", async ({ page }) => {
  const name = `Leaked from log ${tag}`;
  const secret = await createKey(page, name);
  expect(await verifyKey(page.request, { key: secret, action: "read", resource: "reports/q1" })).toMatchObject({ valid: true });

  await page.goto("/keys");
  await screenshotBoth(page, "keys-with-revoke-leaked");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.getByRole("button", { name: "Revoke leaked key" }).click();
  const scan = page.getByRole("dialog", { name: "Revoke a leaked key" });
  await expect(scan.getByLabel("Text that may contain a secret")).toBeVisible();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await page.setViewportSize({ width: 1280, height: 900 });

  await scan.getByLabel("Text that may contain a secret").fill(`2026-12-01T10:00:00Z deploy: curl -H "Authorization: Bearer ${secret}" …`);
  await scan.getByRole("button", { name: "Find keys" }).click();
  await expect(scan.getByTestId("leak-results")).toContainText(name);
  await screenshotBoth(page, "keys-revoke-leaked-dialog");
  await page.setViewportSize({ width: 1280, height: 900 });

  await scan.getByRole("button", { name: `Revoke… ${name}` }).click();
  const gate = page.getByRole("dialog", { name: `Revoke “${name}”?` });
  await expect(gate.getByTestId("revoke-context")).toContainText("Requests, last 7 days");
  await gate.getByLabel(/Type the key's name/).fill(name);
  await gate.getByRole("button", { name: "Revoke key" }).click();
  await expect(gate).toBeHidden();
  await expect(scan.getByRole("status")).toContainText(`Revoked ${name}`);
  // The pasted text is dropped once its keys are dealt with.
  await expect(scan.getByLabel("Text that may contain a secret")).toHaveValue("");
  expect(await verifyKey(page.request, { key: secret })).toMatchObject({ valid: false, code: "REVOKED" });
  expect(page.url()).not.toContain(secret);
});
