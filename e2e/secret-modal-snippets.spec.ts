import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret } from "./support/keys";

// Issue 15 §7: the one-time secret modal offers copyable calls of this deployment's verify endpoint with the
// new secret — curl, Node (lib/client) and Python (requests) — and each one, run for real, says the key is valid.

const pythonHasRequests = spawnSync("python3", ["-c", "import requests"]).status === 0;

test("the secret modal's snippets carry the secret and this server's verify URL, and verify the key when run", async ({
  page,
  context,
  baseURL,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  const name = `Snippet key ${Math.random().toString(36).slice(2, 6)}`;
  await page.goto("/keys/new");
  await fillKeyForm(page, { name, scopes: [["read", "reports/**"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog");
  const secret = (await dialog.getByTestId("one-time-secret").textContent())!.trim();

  const copied: Record<string, string> = {};
  for (const [tab, language] of [
    ["curl", "curl"],
    ["Node", "node"],
    ["Python", "python"],
  ] as const) {
    await dialog.getByRole("tab", { name: tab }).click();
    await expect(dialog.getByRole("tab", { name: tab })).toHaveAttribute("aria-selected", "true");
    await dialog.getByRole("button", { name: `Copy ${tab} snippet` }).click();
    await expect(dialog.getByRole("button", { name: `Copied ${tab} snippet` })).toBeVisible();
    copied[language] = await page.evaluate(() => navigator.clipboard.readText());
    expect(copied[language]).toBe(await dialog.getByTestId(`snippet-${language}`).textContent());
    expect(copied[language]).toContain(secret);
    expect(copied[language]).toContain(`${baseURL}/api/v1/keys/verify`);
    expect(copied[language]).toContain("reports/example");
  }
  // Keyboard: the tabs are one stop, arrows move between them.
  await dialog.getByRole("tab", { name: "Python" }).focus();
  await page.keyboard.press("ArrowLeft");
  await expect(dialog.getByRole("tab", { name: "Node" })).toBeFocused();
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await expectAccessible(page);
  }
  await screenshotBoth(page, "secret-modal-snippets");
  await page.setViewportSize({ width: 1280, height: 900 });

  // Run for real against this server. curl as pasted into a shell:
  const curl = JSON.parse(execFileSync("sh", ["-c", copied.curl], { encoding: "utf8" }));
  expect(curl).toMatchObject({ valid: true, name });
  // Node, with lib/client where the snippet expects the copied client:
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-snippet-"));
  try {
    const file = path.join(dir, "verify.mts");
    writeFileSync(file, copied.node.replace("./keyward-client/index.js", path.resolve("lib/client/index.ts")));
    const node = execFileSync(process.execPath, ["--import", "tsx", file], { encoding: "utf8" });
    expect(node.trim()).toBe(`valid: ${name}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  // Python with requests, where it is installed (Debian's python3-requests).
  if (pythonHasRequests) {
    expect(execFileSync("python3", ["-c", copied.python], { encoding: "utf8" }).trim()).toBe(`valid: ${name}`);
  } else {
    test
      .info()
      .annotations.push({ type: "skipped part", description: "python3 with requests is not installed: the Python snippet was not run" });
  }

  // Once the modal is closed the secret is nowhere on the page.
  expect(await takeSecret(page)).toBe(secret);
  await expect(page).toHaveURL(/\/keys$/);
  expect(await page.content()).not.toContain(secret);
});
