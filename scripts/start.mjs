#!/usr/bin/env node
// `npm start`: migrate the database, build the app when sources changed since the last build, then serve.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";

function run(command, args, env = process.env) {
  const res = spawnSync(command, args, { stdio: "inherit", env });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

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

const SOURCES = ["app", "components", "lib", "public", "next.config.mjs", "postcss.config.mjs", "package-lock.json", "tsconfig.json"];

if (!existsSync("lib/generated/sqlite/client.ts")) run(process.execPath, ["scripts/prisma.mjs", "generate"]);
run(process.execPath, ["scripts/prisma.mjs", "migrate"]);

const buildId = path.join(process.env.NEXT_DIST_DIR || ".next", "BUILD_ID");
const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
if (builtAt === 0 || Math.max(...SOURCES.map(newestMtime)) > builtAt) {
  console.log(builtAt === 0 ? "First start: building Keyward…" : "Sources changed: rebuilding Keyward…");
  run(process.execPath, ["node_modules/next/dist/bin/next", "build"]);
}

process.env.NODE_ENV = "production";
const { register } = await import("tsx/esm/api");
register();
await import(path.join(root, "server.ts"));
