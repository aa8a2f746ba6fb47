import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/admin";

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("protected pages redirect to /login", async ({ page }) => {
    for (const path of ["/", "/keys"]) {
      await page.goto(path);
      await expect(page).toHaveURL(/\/login$/);
    }
    // Any other page is where signing in leads back to (a deep link).
    for (const path of ["/keys/new", "/usage?range=30d", "/review", "/audit", "/settings", "/api-reference"]) {
      await page.goto(path);
      await expect(page).toHaveURL((url) => url.pathname === "/login" && url.searchParams.get("next") === path);
    }
  });
});

test("an unauthenticated server-action call is rejected and changes nothing", async ({ page, playwright, baseURL }) => {
  await page.goto("/settings");
  const nameInput = page.getByLabel("Name", { exact: true });
  await expect(nameInput).toHaveValue(ADMIN.org);
  await nameInput.fill(`${ADMIN.org} Renamed`);
  const [request] = await Promise.all([
    page.waitForRequest((r) => r.method() === "POST" && !!r.headers()["next-action"]),
    page.getByRole("button", { name: "Save name" }).click(),
  ]);
  await expect(page.getByRole("status")).toHaveText("Saved");

  const anonymous = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  const replay = await anonymous.post("/settings", {
    headers: { "next-action": request.headers()["next-action"], "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
    data: JSON.stringify([{ name: "Hijacked" }]),
  });
  const body = await replay.text();
  expect(body).toContain("UNAUTHENTICATED");
  expect(body).not.toContain('"ok":true');
  await anonymous.dispose();

  await page.reload();
  await expect(page.getByLabel("Name", { exact: true })).toHaveValue(`${ADMIN.org} Renamed`);
  await nameInput.fill(ADMIN.org);
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("status")).toHaveText("Saved");
});
