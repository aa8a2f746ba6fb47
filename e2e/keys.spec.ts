import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { ADMIN, adminStatePath, e2eDatabaseUrl, e2eDataDir, serverLogPath } from "./support/admin";
import { expectAccessible, fillKeyForm, screenshotBoth, takeSecret, verifyKey } from "./support/keys";

// One journey, in order: each step builds on the keys the previous ones made.
test.describe.configure({ mode: "serial" });

const secretsSeen: string[] = [];
// Other specs may have made keys in the same database: this run's keys carry a tag, and lists are searched by it.
const tag = Math.random().toString(36).slice(2, 6);
const DEPLOY = `Deploy bot ${tag}`;
const LEAKY = `Leaky key ${tag}`;
// A key that may verify on behalf of a client address (admin on keys/verify): the journeys check IP rules with it.
let caller = "";
const READ_WEB = { action: "read", resource: "projects/web" };

test("a verifier key for the journeys: verifies on behalf of client addresses", async ({ page }) => {
  await page.goto("/keys/new");
  await fillKeyForm(page, { name: `Journey verifier ${Date.now()}`, scopes: [["admin", "keys/verify"]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  caller = await takeSecret(page);
  secretsSeen.push(caller);
  expect(await verifyKey(page.request, { key: caller, action: "admin", resource: "keys/verify" })).toMatchObject({ valid: true });
});

test("create a key: form warnings, one-time secret modal, copy, nothing left behind", async ({ page, context, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseURL });
  await page.goto("/keys");
  await expect(page.getByRole("heading", { name: "API keys", exact: true })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "Create key" }).click();
  await expect(page).toHaveURL(/\/keys\/new$/);

  // Inline validation from the shared schema while typing.
  const name = page.getByLabel("Name", { exact: true });
  await name.fill("x");
  await name.fill("");
  await expect(page.getByText("Give the key a name")).toBeVisible();
  await expect(name).toHaveAttribute("maxlength", "64");

  // Warnings, not errors: full access, every address, no expiry.
  await page.getByLabel("Never").check();
  await fillKeyForm(page, { name: DEPLOY, scopes: [["*", ""]], cidrs: ["0.0.0.0/0"] });
  const warnings = page.getByTestId("key-warnings");
  await expect(warnings).toContainText("Full access");
  await expect(warnings).toContainText("never expires");
  await expect(warnings).toContainText("0.0.0.0/0");
  await page.getByLabel("Description (optional)").fill("Deploys the web app from CI");
  await expectAccessible(page);
  await screenshotBoth(page, "keys-create-form-warnings");

  // The real key: two scopes, an IPv6 and an IPv4 range, 90 days.
  await page.getByLabel("90 days").check();
  await fillKeyForm(page, {
    name: DEPLOY,
    scopes: [
      ["read", "projects/**"],
      ["write", "deploys/*"],
    ],
    cidrs: ["2001:db8::/32", "203.0.113.0/24"],
  });
  await expect(warnings).toBeHidden();
  await page.getByRole("button", { name: "Create key" }).click();

  const dialog = page.getByRole("dialog");
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText("You won't be able to see it again");
  await expect(dialog).toContainText("Read projects/**");
  await expect(dialog).toContainText("Write deploys/*");
  const secret = (await dialog.getByTestId("one-time-secret").textContent())!.trim();
  secretsSeen.push(secret);
  expect(secret).toMatch(/^kw_live_/);
  const done = dialog.getByRole("button", { name: "Done" });
  await expect(done).toBeDisabled();

  // Escape, a click outside and Back do not dismiss it.
  await page.keyboard.press("Escape");
  await page.mouse.click(5, 5);
  await page.evaluate(() => window.history.back());
  await page.waitForTimeout(500);
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("one-time-secret")).toHaveText(secret);
  await expect(page).toHaveURL(/\/keys\/new$/);
  // Closing the tab asks first ("leave page?"); dismissing keeps the secret on screen.
  const prompt = new Promise<string>((resolve) =>
    page.once("dialog", async (d) => {
      resolve(d.type());
      await d.dismiss();
    }),
  );
  await page.close({ runBeforeUnload: true });
  expect(await prompt).toBe("beforeunload");
  await expect(dialog.getByTestId("one-time-secret")).toHaveText(secret);
  await expectAccessible(page);
  await screenshotBoth(page, "keys-secret-modal");

  // Keyboard only: focus stays in the modal; copy, acknowledge, close.
  const copy = dialog.getByRole("button", { name: "Copy", exact: true });
  await copy.focus();
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("button", { name: "Copied", exact: true })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest("[role=dialog]"))).toBe(true);
  }
  await dialog.getByLabel("I have copied this secret").focus();
  await page.keyboard.press("Space");
  await expect(done).toBeEnabled();
  await page.keyboard.press("Tab");
  await expect(done).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();

  await expect(page).toHaveURL(/\/keys$/);
  await expect(page.getByRole("link", { name: DEPLOY })).toBeVisible();
  expect(await page.content()).not.toContain(secret);
  expect(await page.evaluate(() => document.documentElement.outerHTML)).not.toContain(secret);

  // The new secret verifies at once, for its scopes and from the addresses it allows only.
  expect(await verifyKey(page.request, { key: secret, ...READ_WEB, ip: "203.0.113.10" }, caller)).toMatchObject({ valid: true });
  expect(await verifyKey(page.request, { key: secret, ...READ_WEB, ip: "2001:db8::1" }, caller)).toMatchObject({ valid: true });
  expect(await verifyKey(page.request, { key: secret, ...READ_WEB, ip: "198.51.100.10" }, caller)).toMatchObject({
    valid: false,
    code: "IP_NOT_ALLOWED",
  });
});

test("list: status filters and search survive reload", async ({ page }) => {
  // A second key, revoked from its detail page (typed-name confirmation).
  await page.goto("/keys/new");
  await fillKeyForm(page, { name: LEAKY, scopes: [["read", ""]], cidrs: [] });
  await page.getByRole("button", { name: "Create key" }).click();
  secretsSeen.push(await takeSecret(page));
  await page.goto(`/keys?q=${tag}`);
  await page.getByRole("link", { name: LEAKY }).click();
  await page.getByRole("button", { name: "Revoke…" }).click();
  const dialog = page.getByRole("dialog");
  const revoke = dialog.getByRole("button", { name: "Revoke key" });
  await expect(revoke).toBeDisabled();
  await dialog.getByLabel(/Type the key's name/).fill(LEAKY.toLowerCase());
  await expect(revoke).toBeDisabled();
  await dialog.getByLabel(/Type the key's name/).fill(LEAKY);
  await dialog.getByLabel("Reason (optional)").fill("pasted in a public channel");
  const leakySecret = secretsSeen.at(-1)!;
  expect(await verifyKey(page.request, { key: leakySecret })).toMatchObject({ valid: true });
  await revoke.click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText("Revoked keys are read-only.")).toBeVisible();
  // A revoked key has no current secret and no expiry countdown.
  await expect(page.getByTestId("key-secrets")).toContainText("Revoked");
  await expect(page.getByTestId("key-secrets")).not.toContainText("Current");
  await expect(page.locator("dt", { hasText: "Expires" }).locator("xpath=following-sibling::dd[1]")).not.toContainText(
    / in \d+ days|\(in /,
  );
  expect(await verifyKey(page.request, { key: leakySecret })).toMatchObject({ valid: false, code: "REVOKED" });

  await page.goto(`/keys?q=${tag}`);
  const table = page.getByRole("table");
  await expect(table.getByRole("link", { name: DEPLOY })).toBeVisible();
  await expect(table.getByRole("link", { name: LEAKY })).toHaveCount(0);
  const status = page.getByRole("navigation", { name: "Key status" });
  await expect(status.getByRole("link", { name: /Active/ })).toContainText("1");
  await expect(status.getByRole("link", { name: /Revoked/ })).toContainText("1");
  await expect(status.getByRole("link", { name: /All/ })).toContainText("2");
  await expectAccessible(page);
  await screenshotBoth(page, "keys-list");

  await status.getByRole("link", { name: /Revoked/ }).click();
  await expect(page).toHaveURL(/status=revoked/);
  await expect(table.getByRole("link", { name: LEAKY })).toBeVisible();
  await expect(table.getByRole("link", { name: DEPLOY })).toHaveCount(0);
  await page.reload();
  await expect(table.getByRole("link", { name: LEAKY })).toBeVisible();
  await expect(status.getByRole("link", { name: /Revoked/ })).toHaveAttribute("aria-current", "page");

  await status.getByRole("link", { name: /All/ }).click();
  await expect(table.getByRole("link", { name: LEAKY })).toBeVisible();
  await expect(table.getByRole("link", { name: DEPLOY })).toBeVisible();
  await page.getByLabel("Search keys by name or prefix").fill(`deploy bot ${tag}`);
  await expect(page).toHaveURL(new RegExp(`q=deploy\\+bot\\+${tag}`));
  await expect(table.getByRole("link", { name: LEAKY })).toHaveCount(0);
  await page.reload();
  await expect(page.getByLabel("Search keys by name or prefix")).toHaveValue(`deploy bot ${tag}`);
  await expect(page).toHaveURL(/status=all/);
  await expect(table.getByRole("link", { name: DEPLOY })).toBeVisible();
  await expect(table.getByRole("link", { name: LEAKY })).toHaveCount(0);

  await page.getByLabel("Search keys by name or prefix").fill("nothing-like-this");
  await expect(page.getByText("No keys match “nothing-like-this”")).toBeVisible();
  await page.getByRole("link", { name: "Clear search" }).click();
  await expect(table.getByRole("link", { name: LEAKY })).toBeVisible();
  await expect(page.getByLabel("Search keys by name or prefix")).toHaveValue("");
  await page.waitForTimeout(600); // longer than the search debounce: the old text must not come back
  await expect(page).not.toHaveURL(/q=/);
});

test("edit a CIDR: the confirmation names what will break", async ({ page }) => {
  await page.goto(`/keys?q=${tag}`);
  await page.getByRole("link", { name: DEPLOY }).click();
  await expect(page.getByRole("heading", { name: DEPLOY })).toBeVisible();
  await screenshotBoth(page, "keys-detail");
  // The detail page polls last use from a small JSON endpoint: no secret, no hash.
  const activity = await page.request.get(`${page.url()}/activity`);
  expect(activity.status()).toBe(200);
  // Its last use is a verification the create step made from an address the key allows.
  const lastUse = (await activity.json()) as Record<string, string>;
  expect(Object.keys(lastUse).sort()).toEqual(["lastUsedAt", "lastUsedIp", "lastUsedUserAgent"]);
  expect(["203.0.113.10", "2001:db8::1"]).toContain(lastUse.lastUsedIp);
  expect(Date.now() - Date.parse(lastUse.lastUsedAt)).toBeLessThan(10 * 60_000);
  expect((await page.request.get("/keys/key_00000000000000000000/activity")).status()).toBe(404);
  await page.getByRole("link", { name: "Edit" }).click();
  await expect(page.getByLabel("Allowed IPs")).toHaveValue("2001:db8::/32\n203.0.113.0/24");
  await page.getByLabel("Allowed IPs").fill("2001:db8::/32\n198.51.100.0/24");
  await page.getByRole("button", { name: "Save changes" }).click();
  const consequences = page.getByTestId("change-consequences");
  await expect(consequences).toContainText("Calls from 203.0.113.0/24 will be refused");
  await expect(consequences).toContainText("Calls from 198.51.100.0/24 will be allowed");
  await page.getByRole("dialog").getByRole("button", { name: "Save changes" }).click();
  await expect(page).toHaveURL(/\/keys\/key_[A-Za-z0-9]+$/);
  await expect(page.getByText("198.51.100.0/24", { exact: true })).toBeVisible();
  await expect(page.getByText("203.0.113.0/24", { exact: true })).toHaveCount(0);

  // The verify endpoint applies the edit from the next call: the removed range is refused, the added one allowed.
  const secret = secretsSeen[1];
  expect(await verifyKey(page.request, { key: secret, ...READ_WEB, ip: "203.0.113.10" }, caller)).toMatchObject({
    valid: false,
    code: "IP_NOT_ALLOWED",
  });
  expect(await verifyKey(page.request, { key: secret, ...READ_WEB, ip: "198.51.100.10" }, caller)).toMatchObject({ valid: true });
});

test("rotate: a new secret, the old one shown as superseded", async ({ page }) => {
  await page.goto(`/keys?q=${tag}`);
  await page.getByRole("link", { name: DEPLOY }).click();
  const before = secretsSeen[1];
  await page.getByRole("button", { name: "Rotate secret" }).click();
  await page.getByRole("dialog").getByLabel("After 1 hour").check();
  await page.getByRole("dialog").getByRole("button", { name: "Rotate secret" }).click();
  await expect(page.getByRole("dialog")).toContainText("Your rotated API key");
  const rotated = await takeSecret(page);
  secretsSeen.push(rotated);
  expect(rotated).not.toBe(before);
  const secrets = page.getByTestId("key-secrets");
  await expect(secrets.locator("li").first()).toContainText(`…${rotated.slice(-4)}`);
  await expect(secrets.locator("li").first()).toContainText("Current");
  await expect(secrets.locator("li").nth(1)).toContainText(`…${before.slice(-4)}`);
  await expect(secrets.locator("li").nth(1)).toContainText("Superseded · works until");
  expect(await page.content()).not.toContain(rotated);

  // During the grace period both secrets verify; once it ends, only the new one.
  const from = { ...READ_WEB, ip: "198.51.100.10" };
  expect(await verifyKey(page.request, { key: rotated, ...from }, caller)).toMatchObject({ valid: true });
  expect(await verifyKey(page.request, { key: before, ...from }, caller)).toMatchObject({ valid: true });
  const keyId = /\/keys\/(key_[A-Za-z0-9]+)$/.exec(page.url())![1];
  const ended = execFileSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "e2e/support/end-grace.ts", keyId], {
    env: { ...process.env, DATABASE_URL: e2eDatabaseUrl, KEYWARD_DATA_DIR: e2eDataDir },
    encoding: "utf8",
  });
  expect(JSON.parse(ended.trim().split("\n").at(-1)!)).toEqual({ ended: 1 });
  await expect
    .poll(async () => verifyKey(page.request, { key: before, ...from }, caller), { timeout: 3000 })
    .toMatchObject({ valid: false, code: "EXPIRED" });
  expect(await verifyKey(page.request, { key: rotated, ...from }, caller)).toMatchObject({ valid: true });
});

test("bulk revoke: typed phrase, per-key results", async ({ page }) => {
  for (const name of [`Batch ${tag} one`, `Batch ${tag} two`]) {
    await page.goto("/keys/new");
    await fillKeyForm(page, { name, scopes: [["read", "reports/**"]], cidrs: ["10.0.0.0/8"] });
    await page.getByRole("button", { name: "Create key" }).click();
    secretsSeen.push(await takeSecret(page));
  }
  await page.goto(`/keys?q=batch+${tag}`);
  await page.getByLabel("Select all keys on this page").check();
  await page.getByRole("button", { name: "Revoke 2 keys…" }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel(/to confirm/).fill("revoke 1 key");
  await expect(dialog.getByRole("button", { name: "Revoke 2 keys" })).toBeDisabled();
  await dialog.getByLabel(/to confirm/).fill("revoke 2 keys");
  await dialog.getByRole("button", { name: "Revoke 2 keys" }).click();
  const results = dialog.getByTestId("bulk-revoke-results");
  await expect(results).toContainText(`Batch ${tag} one`);
  await expect(results.getByText("Revoked")).toHaveCount(2);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(page.getByText(`No active keys match “batch ${tag}”`)).toBeVisible();
});

test("no plaintext secret, password or session token in the database or the server log", async () => {
  expect(secretsSeen.length).toBeGreaterThanOrEqual(4);
  const sources: { name: string; content: string }[] = [{ name: "server.log", content: readFileSync(serverLogPath).toString("latin1") }];
  if (e2eDatabaseUrl.startsWith("file:")) {
    const files = ["keyward.db", "keyward.db-wal", "keyward.db-journal"].map((f) => path.join(e2eDataDir, f)).filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) sources.push({ name: path.basename(file), content: readFileSync(file).toString("latin1") });
  } else {
    // PostgreSQL: every row of every table, as pg_dump writes them.
    sources.push({
      name: "pg_dump",
      content: execFileSync("pg_dump", ["--data-only", e2eDatabaseUrl], { maxBuffer: 256 * 1024 * 1024 }).toString("latin1"),
    });
  }
  // The first run's passwords (right, wrong, and the refused second setup's) and the admin's session token, too.
  const session = (JSON.parse(readFileSync(adminStatePath, "utf8")) as { cookies: { name: string; value: string }[] }).cookies.find((c) =>
    c.name.endsWith("kw_session"),
  );
  expect(session?.value.length).toBeGreaterThan(20);
  const credentials = [ADMIN.password, "not-the-password", "mallory-password-1", session!.value];
  for (const { name, content } of sources) {
    for (const credential of credentials) expect(content.includes(credential), `${name} contains a password or session token`).toBe(false);
    for (const secret of secretsSeen) {
      expect(content.includes(secret), `${name} contains a secret`).toBe(false);
      // The secret body alone, too (e.g. logged without its prefix).
      expect(content.includes(secret.slice(8)), `${name} contains a secret body`).toBe(false);
    }
  }
});
