import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { ADMIN, e2eDataDir, e2eDatabaseUrl } from "./support/admin";
import { expectAccessible } from "./support/keys";

// An alert for admins and leads (here a burst of denials, recorded in the outbox as the usage detectors do) reaches
// the admin's bell: the unread count, the sentence in the list, and "Mark all read" clears the count.
test("an alert shows in the bell with its unread count, and mark all read clears it", async ({ page }) => {
  const keyName = `Bell probe ${Math.random().toString(36).slice(2, 6)}`;
  execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "e2e/support/record-alert.ts", ADMIN.org, keyName], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl, KEYWARD_DATA_DIR: e2eDataDir },
    encoding: "utf8",
  });
  const bell = page.getByTestId("notification-bell");
  const dialog = page.getByRole("dialog", { name: "Notifications" });
  const alert = dialog.getByRole("listitem").filter({ hasText: `Many denied requests for ${keyName}` });
  // The dispatcher fans the event out within a second or so. Other specs' alerts may be unread already, so the
  // count alone does not say this one has arrived: wait for it in the list.
  await expect(async () => {
    await page.goto("/keys");
    await expect(bell).toHaveAccessibleName(/Notifications: \d+ unread/, { timeout: 1000 });
    await bell.click();
    await expect(alert).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expectAccessible(page);
  await dialog.getByRole("button", { name: "Mark all read" }).click();
  await expect(dialog).toContainText("All read");
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(bell).toHaveAccessibleName("Notifications");
});
