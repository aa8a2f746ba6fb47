import AxeBuilder from "@axe-core/playwright";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { e2eDataDir, e2eDatabaseUrl, serverLogPath } from "./admin";

export const screenshotDir = path.resolve("e2e/screenshots");

/** Full-page screenshots at desktop (1280) and phone (390) widths, restoring the desktop viewport. */
export async function screenshotBoth(page: Page, name: string) {
  mkdirSync(screenshotDir, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}.png`), fullPage: true });
  }
}

/** No serious or critical axe-core violations in the page (or a part of it). */
export async function expectAccessible(page: Page, include?: string) {
  // The <title> arrives with the streamed metadata, and a router refresh re-inserts it: wait for it rather than
  // letting axe catch the moment between (a CI run failed "document-title" right after a refresh).
  await expect(page).toHaveTitle(/\S/);
  // Toasts fade in and, seconds later, out: mid-fade their colours are not the ones people read, and axe scores
  // them as low contrast (two CI runs failed on a toast). A result counts only if no animation or transition ran
  // while axe read the page; otherwise it reads again once they have ended (spinners, which loop, do not count).
  await page.evaluate(() => {
    const w = window as unknown as { keywardMotion?: number };
    if (w.keywardMotion !== undefined) return;
    w.keywardMotion = 0;
    for (const type of ["transitionstart", "animationstart", "transitionrun"])
      document.addEventListener(type, () => (w.keywardMotion! += 1), true);
  });
  const settled = () =>
    page.waitForFunction(() =>
      document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getComputedTiming().endTime === Infinity),
    );
  const motion = () => page.evaluate(() => (window as unknown as { keywardMotion: number }).keywardMotion);
  let violations: Awaited<ReturnType<AxeBuilder["analyze"]>>["violations"] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    await settled();
    const before = await motion();
    let builder = new AxeBuilder({ page });
    if (include) builder = builder.include(include);
    violations = (await builder.analyze()).violations;
    if ((await motion()) === before) break;
  }
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
}

/** Fills the create form's scope rows (adding rows as needed) and allowed IPs. */
export async function fillKeyForm(page: Page, { name, scopes, cidrs }: { name: string; scopes: [string, string][]; cidrs: string[] }) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  for (const [index, [action, filter]] of scopes.entries()) {
    if (index > 0 && (await page.getByLabel(`Action for scope ${index + 1}`).count()) === 0) {
      await page.getByRole("button", { name: "Add scope" }).click();
    }
    await page.getByLabel(`Action for scope ${index + 1}`).selectOption(action);
    await page.getByLabel(`Resource filter for scope ${index + 1}`).fill(filter);
  }
  await page.getByLabel("Allowed IPs").fill(cidrs.join("\n"));
}

/** Ticks the acknowledgement and closes the one-time secret modal; returns the secret it showed. */
export async function takeSecret(page: Page): Promise<string> {
  const dialog = page.getByRole("dialog");
  const secret = (await dialog.getByTestId("one-time-secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^kw_live_[A-Za-z0-9]{38}$/);
  await dialog.getByLabel("I have copied this secret").check();
  await dialog.getByRole("button", { name: "Done" }).click();
  await expect(dialog).toBeHidden();
  return secret;
}

export interface Verification {
  valid: boolean;
  code?: string;
  keyId?: string;
}

/**
 * POST /api/v1/keys/verify as an application would (no browser headers). With `caller` (a key holding admin on
 * keys/verify) the verification is made on behalf of the client address `ip`, as a service in front of its own
 * clients does; without it, the address is this test's own (127.0.0.1).
 */
export async function verifyKey(
  request: APIRequestContext,
  body: { key: string; action?: string; resource?: string; ip?: string },
  caller?: string,
): Promise<Verification> {
  const res = await request.post("/api/v1/keys/verify", {
    data: body,
    headers: caller ? { authorization: `Bearer ${caller}` } : {},
  });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as Verification;
}

/** What the server has written: its log and its database (the SQLite files, or a pg_dump of PostgreSQL). */
export function serverOutputs(): { name: string; content: string }[] {
  const sources = [{ name: "server.log", content: readFileSync(serverLogPath).toString("latin1") }];
  if (e2eDatabaseUrl.startsWith("file:")) {
    for (const file of ["keyward.db", "keyward.db-wal", "keyward.db-journal"].map((f) => path.join(e2eDataDir, f))) {
      if (existsSync(file)) sources.push({ name: path.basename(file), content: readFileSync(file).toString("latin1") });
    }
  } else {
    sources.push({
      name: "pg_dump",
      content: execFileSync("pg_dump", ["--data-only", e2eDatabaseUrl], { maxBuffer: 256 * 1024 * 1024 }).toString("latin1"),
    });
  }
  return sources;
}
