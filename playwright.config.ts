import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";
import { adminStatePath, e2eDataDir } from "./e2e/support/admin";

const port = Number(process.env.E2E_PORT || 3100);
// Debian's Chromium by default (Playwright's own browser download is unreachable here); override with
// KEYWARD_CHROMIUM, or set it empty to use a Playwright-managed browser.
const chromium = process.env.KEYWARD_CHROMIUM ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : "");
// The second pass on PostgreSQL (scripts/test-e2e.mjs) leaves out the specs that check only the browser's side —
// accessibility, focus, headers, URLs, the modal's snippets — which no database changes; every journey runs on both.
const BROWSER_ONLY = [
  "accessibility",
  "browser-defences",
  "deep-link-sign-in",
  "focus-after-submit",
  "hardening",
  "secret-modal-snippets",
  "secrets-never-in-urls",
].map((name) => `**/${name}.spec.ts`);

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  // CI retries a failed test once: a real defect fails twice, and a test that passed only on its retry is listed as
  // "flaky" in the output, to be fixed at its cause (2 shared cores make rare timing misses).
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "off",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromium || undefined,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "first-run", testMatch: /first-run\.setup\.ts/, use: { ...devices["Desktop Chrome"] } },
    {
      name: "console",
      testMatch: /\.spec\.ts/,
      testIgnore: process.env.E2E_BROWSER_ONLY === "skip" ? BROWSER_ONLY : undefined,
      dependencies: ["first-run"],
      use: { ...devices["Desktop Chrome"], storageState: adminStatePath },
    },
  ],
  webServer: {
    command: "node e2e/support/start-server.mjs",
    url: `http://127.0.0.1:${port}/login`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    // 127.0.0.1 is trusted as a proxy: e2e/browser-defences.spec.ts puts a TLS terminator (nginx) there.
    // The specs share one signed-in admin session for the whole run: its sign-in stays a valid step-up proof for a
    // day, so only the step-up spec (which ages the proof) meets the dialog.
    // KEYWARD_SSO_ALLOW_HTTP_ISSUER: e2e/single-sign-on.spec.ts runs its OpenID provider over plain http on 127.0.0.1.
    env: {
      PORT: String(port),
      E2E_DATA_DIR: e2eDataDir,
      KEYWARD_TRUSTED_PROXIES: "127.0.0.1/32",
      KEYWARD_STEP_UP_MINUTES: "1440",
      KEYWARD_SSO_ALLOW_HTTP_ISSUER: "1",
    },
  },
});
