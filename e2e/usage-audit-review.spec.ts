import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { e2eDatabaseUrl, e2eDataDir } from "./support/admin";
import { expectAccessible, screenshotBoth } from "./support/keys";

interface Leak {
  keyId: string;
  name: string;
  secret: string;
  foreign: string;
}

let leak: Leak;

test.beforeAll(() => {
  const out = execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "e2e/support/usage-demo.ts"], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl, KEYWARD_DATA_DIR: e2eDataDir },
    encoding: "utf8",
    timeout: 120_000,
  });
  leak = JSON.parse(out.trim().split("\n").at(-1)!);
});

const numberIn = async (page: Page, testId: string) => Number((await page.getByTestId(testId).textContent())!.replace(/[^\d]/g, ""));
const cellNumber = (text: string | null) => Number((text ?? "").replace(/[^\d]/g, ""));

test("key list: a 30-day sparkline per row from the same rollups", async ({ page }) => {
  await page.goto(`/keys?status=all&q=${encodeURIComponent("Storefront web (prod)")}`);
  const row = page.getByRole("row").filter({ hasText: "Storefront web (prod)" });
  await expect(row.getByTestId("sparkline")).toBeVisible();
  await expect(row.getByText(/[\d,]+ requests in the last 30 days/)).toHaveCount(1);
  const label = (await row.getByText(/requests in the last 30 days/).textContent())!;
  expect(cellNumber(label.split(" requests")[0])).toBeGreaterThan(0);
});

test("usage: charts from demo data, range switch, data table = chart, drag to zoom", async ({ page }) => {
  await page.goto("/usage?range=30d");
  await expect(page.getByRole("heading", { name: "Usage", exact: true })).toBeVisible();
  const chart = page.getByTestId("usage-chart");
  await expect(chart).toHaveAttribute("data-bucket-count", "30");
  await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
  const total30 = await numberIn(page, "usage-total");
  expect(total30).toBeGreaterThan(1000);
  await expect(page.getByRole("table", { name: /Keys with the most requests/ }).getByRole("row")).toHaveCount(11);
  await expect(page.getByRole("table", { name: /Why requests were denied/ })).toContainText("IP not allowed");
  await expect(page.getByRole("table", { name: /Client IP addresses/ })).toContainText("10.");

  // The data table under the chart holds the chart's numbers: its totals add up to the headline total,
  // and the last bar's tooltip shows exactly the last row.
  await page.getByRole("button", { name: /Show data table/ }).click();
  const table = page.getByTestId("usage-chart-table");
  await expect(table.locator("tbody tr")).toHaveCount(30);
  const totals = await table.locator('tbody td[data-series="total"]').allTextContents();
  expect(totals.map(cellNumber).reduce((a, b) => a + b, 0)).toBe(total30);
  let box = (await chart.locator(".recharts-cartesian-grid").boundingBox())!;
  await page.mouse.move(box.x + box.width - 4, box.y + box.height / 2);
  const tooltip = page.getByTestId("chart-tooltip");
  await expect(tooltip).toBeVisible();
  const lastRow = table.locator("tbody tr").last();
  for (const series of ["OK", "total"]) {
    expect(cellNumber(await tooltip.locator(`[data-series="${series}"]`).textContent())).toBe(
      cellNumber(await lastRow.locator(`[data-series="${series}"]`).textContent()),
    );
  }
  await screenshotBoth(page, "usage");

  // A different range is different data.
  await page.getByRole("button", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/range=7d/);
  await expect(chart).toHaveAttribute("data-bucket-count", "56");
  const total7 = await numberIn(page, "usage-total");
  expect(total7).toBeGreaterThan(0);
  expect(total7).toBeLessThan(total30);

  // Dragging across the bars zooms to that span (measured again: the screenshots above scrolled the page).
  await chart.scrollIntoViewIfNeeded();
  box = (await chart.locator(".recharts-cartesian-grid").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();
  await expect(page).toHaveURL(/range=custom/);
  const zoomed = await numberIn(page, "usage-total");
  expect(zoomed).toBeLessThan(total7);
  await expectAccessible(page);
});

test("usage: filter by key and by outcome, the CSV export = the chart's table, chart above the fold on a phone", async ({ page }) => {
  await page.goto("/usage?range=30d");
  const chart = page.getByTestId("usage-chart");
  await expect(chart).toHaveAttribute("data-bucket-count", "30");
  const orgTotal = await numberIn(page, "usage-total");

  await page.getByLabel("Key", { exact: true }).selectOption({ label: "Storefront web (prod)" });
  await expect(page).toHaveURL(/[?&]key=key_[A-Za-z0-9]{20}/);
  await expect(page).toHaveURL(/range=30d/);
  await expect(page.getByRole("table", { name: /Keys with the most requests/ })).toHaveCount(0);
  await expect.poll(() => numberIn(page, "usage-total")).toBeLessThan(orgTotal);
  const keyTotal = await numberIn(page, "usage-total");
  expect(keyTotal).toBeGreaterThan(0);
  const keyDenied = await numberIn(page, "usage-denied");

  await page.getByLabel("Outcome", { exact: true }).selectOption({ label: "Denied (any reason)" });
  await expect(page).toHaveURL(/outcome=denied/);
  await expect.poll(() => numberIn(page, "usage-total")).toBe(keyDenied);
  await page.getByLabel("Outcome", { exact: true }).selectOption({ label: "Allowed" });
  await expect(page).toHaveURL(/outcome=OK/);
  await expect.poll(() => numberIn(page, "usage-total")).toBe(keyTotal - keyDenied);

  // The export holds exactly the rows and columns of the chart's data table for this view.
  await page.getByRole("button", { name: /Show data table/ }).click();
  const table = page.getByTestId("usage-chart-table");
  const headers = await table.locator("thead th").allTextContents();
  const shown = await table
    .locator("tbody tr")
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll("td")].map((cell) => Number((cell.textContent ?? "").replace(/[^\d]/g, "")))),
    );
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const [head, ...lines] = readFileSync((await download.path())!, "utf8")
    .trim()
    .split(/\r?\n/);
  expect(head.split(",")).toEqual(["start_utc", "end_utc", ...headers.slice(1)]);
  expect(lines.map((line) => line.split(",").slice(2).map(Number))).toEqual(shown);
  expect(shown.reduce((sum, row) => sum + row[row.length - 1], 0)).toBe(keyTotal - keyDenied);

  // On a phone the chart is on screen without scrolling, and the hint offers the range buttons, not dragging.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  const box = (await chart.boundingBox())!;
  expect(box.y + box.height / 2).toBeLessThan(844);
  await expect(page.getByText("pick a range above to zoom")).toBeVisible();
  await expect(page.getByText("drag across the chart to zoom in")).toBeHidden();
  await expect(page.getByRole("button", { name: "Last 7 days" })).toBeVisible();
  await screenshotBoth(page, "usage-filtered");
});

test("audit: filter by action, and the CSV export holds the same events, formula cells neutralized", async ({ page }) => {
  await page.goto("/audit");
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await page.getByLabel("Action").selectOption("key.revoked");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/action=key\.revoked/);
  const rows = page.getByTestId("audit-table").locator("tbody tr");
  await expect(rows.first()).toContainText("Key revoked");
  const count = await rows.count();
  for (let i = 0; i < count; i++) await expect(rows.nth(i)).toContainText("key.revoked");
  await expect(page.getByTestId("audit-count")).toContainText(`${count} event`);
  await screenshotBoth(page, "audit");
  await expectAccessible(page);

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const csv = readFileSync((await download.path())!, "utf8")
    .trim()
    .split("\n");
  expect(csv[0]).toBe("time_utc,actor_type,actor,actor_id,action,outcome,target_type,target_id,target_name,ip,user_agent,details");
  expect(csv).toHaveLength(count + 1);
  for (const line of csv.slice(1)) expect(line).toContain(",key.revoked,success,key,");
  expect(csv.join("\n")).toContain("Contract ended");

  // The leak key's creation carries a formula-shaped user agent: exported as text, never as a formula.
  await page.getByLabel("Action").selectOption("key.created");
  await page.getByLabel("Key").selectOption(leak.keyId);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`key=${leak.keyId}`));
  await expect(page.getByTestId("audit-table").locator("tbody tr")).toHaveCount(1);
  const [created] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const createdCsv = readFileSync((await created.path())!, "utf8");
  expect(createdCsv).toContain(`"'=HYPERLINK(""https://evil.example"",""x"")"`);
  expect(createdCsv).not.toMatch(/,=HYPERLINK/);
});

test("review: risky keys with reasons; a pasted log line finds and revokes a live key", async ({ page, request }) => {
  await page.goto("/review");
  const risky = page.getByTestId("risky-keys");
  await expect(risky.locator("li", { hasText: "Email service" }).first()).toContainText("Many denied requests in the last 24 hours");
  await expect(risky.locator("li", { hasText: "Legacy mobile app" }).first()).toContainText("Full access");
  await expect(risky.locator("li", { hasText: "Legacy mobile app" }).first()).toContainText("Never expires");
  await expect(risky.locator("li", { hasText: "Webhook relay" }).first()).toContainText("Allows the whole IPv4 internet");
  await expect(risky.locator("li", { hasText: "Zapier integration (unused)" }).first()).toContainText("Never used");
  await expect(risky.locator("li", { hasText: "Old reporting job" }).first()).toContainText("Unused for 90+ days");
  await expectAccessible(page);

  const before = await request.post("/api/v1/keys/verify", { data: { key: leak.secret } });
  expect(await before.json()).toMatchObject({ valid: true });

  await page
    .getByLabel("Text that may contain a secret")
    .fill(`2026-03-02T10:14:07Z WARN payment-worker retry url=https://api.example.com/v1?api_key=${leak.secret}&x=1 other=${leak.foreign}`);
  await page.getByRole("button", { name: "Find keys" }).click();
  const results = page.getByTestId("leak-results");
  await expect(results).toContainText(leak.name);
  await expect(results).toContainText("1 secret in the text is not a key of this organization.");
  await expect(results).not.toContainText(leak.secret);
  await screenshotBoth(page, "review");
  await results.getByRole("button", { name: `Revoke… ${leak.name}` }).click();
  await page
    .getByRole("dialog")
    .getByLabel(/Type the key's name/)
    .fill(leak.name);
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Revoked ${leak.name}` })).toBeVisible();
  await expect(page.getByLabel("Text that may contain a secret")).toHaveValue("");

  const after = await request.post("/api/v1/keys/verify", { data: { key: leak.secret } });
  expect(await after.json()).toMatchObject({ valid: false, code: "REVOKED" });

  // The revocation is in the audit log, marked as coming from a leak.
  await page.goto(`/audit?action=key.revoked&key=${leak.keyId}`);
  await expect(page.getByTestId("audit-table").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("audit-table")).toContainText("Revoked from a leak report");
});

test("usage and review pages pass axe at 1280px (screens for review)", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/usage?range=24h");
  await expect(page.getByTestId("usage-chart")).toHaveAttribute("data-bucket-count", "24");
  await expectAccessible(page);
  await page
    .getByRole("table", { name: /Keys with the most requests/ })
    .getByRole("link")
    .first()
    .click();
  await expect(page).toHaveURL(/\/keys\/key_/);
  const section = page.getByRole("region", { name: "Usage" });
  await expect(section.getByTestId("usage-chart")).toHaveAttribute("data-bucket-count", "30");
  expect(await numberIn(page, "usage-total")).toBeGreaterThan(0);
  await section.getByRole("button", { name: "Last 24 hours" }).click();
  await expect(section.getByTestId("usage-chart")).toHaveAttribute("data-bucket-count", "24");
  await page.goto("/review");
  await screenshotBoth(page, "review-after-revoke");
});
