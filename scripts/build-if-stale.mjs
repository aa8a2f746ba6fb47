#!/usr/bin/env node
// Builds the app (next build into NEXT_DIST_DIR, default .next) when a source is newer than the last build, and
// compiles the server (scripts/build-server.mjs) when one of its sources is newer than its compiled file.
// Used by `npm start` and by the tests that start the real server.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildServer, SERVER_SOURCES, serverBundlePath } from "./build-server.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCES = [
  "app",
  "components",
  "lib",
  "public",
  "proxy.ts",
  "next.config.mjs",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
];

function newestMtime(entry) {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of readdirSync(entry)) {
    if (child === "generated" || child.endsWith(".test.ts")) continue;
    newest = Math.max(newest, newestMtime(path.join(entry, child)));
  }
  return newest;
}

const newestSource = (sources) => Math.max(...sources.map((s) => newestMtime(path.join(root, s))));
const builtAt = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

const buildId = path.join(root, process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
const appBuiltAt = builtAt(buildId);
if (appBuiltAt === 0 || newestSource(SOURCES) > appBuiltAt) {
  console.log(appBuiltAt === 0 ? "First start: building Keyward…" : "Sources changed: rebuilding Keyward…");
  const res = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    cwd: root,
    stdio: "inherit",
    // A production build whoever asks (Vitest sets NODE_ENV=test): next.config.mjs reads it for the CSP.
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (res.status !== 0) process.exit(res.status ?? 1);
}
const serverBuiltAt = builtAt(serverBundlePath());
if (serverBuiltAt === 0 || newestSource(SERVER_SOURCES) > serverBuiltAt) await buildServer();
