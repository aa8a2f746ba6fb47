#!/usr/bin/env node
// `npm start`: migrate the database, build the app when sources changed since the last build, then serve.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { serverBundlePath } from "./build-server.mjs";
import { checkWritableDir, dataDirsToCheck } from "./check-data-dir.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
process.env.NEXT_TELEMETRY_DISABLED = "1";

function run(script, args = []) {
  const res = spawnSync(process.execPath, [script, ...args], { stdio: "inherit", env: process.env });
  if (res.status !== 0) process.exit(res.status ?? 1);
}

for (const [what, dir] of dataDirsToCheck()) {
  const problem = checkWritableDir(dir, what);
  if (problem) {
    console.error(`error ${problem.code}: ${problem.message}`);
    process.exit(problem.exitCode);
  }
}

if (!existsSync("lib/generated/sqlite/client.ts")) run("scripts/prisma.mjs", ["generate"]);
run("scripts/prisma.mjs", ["migrate"]);
run("scripts/build-if-stale.mjs");

process.env.NODE_ENV = "production";
// The server compiled by build-if-stale (scripts/build-server.mjs): plain JavaScript, no TypeScript loader at run time.
await import(pathToFileURL(serverBundlePath()).href);
