import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    sqliteTemplate: string;
  }
}

/** Migrates one SQLite database with the committed migrations (the real CLI path); each test file copies it. */
export default function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-test-"));
  const file = path.join(dir, "template.db");
  const res = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate"], {
    env: { ...process.env, DATABASE_URL: `file:${file}`, KEYWARD_QUIET: "1" },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`migrating the test template failed:\n${res.stdout}${res.stderr}`);
  project.provide("sqliteTemplate", file);
  return () => rmSync(dir, { recursive: true, force: true });
}
