import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

/** Applies the committed migrations to `url` the way `npm start` does (scripts/prisma.mjs migrate). For tests and benches. */
export function migrateDatabase(url: string): void {
  const res = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, KEYWARD_QUIET: "1" },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`migrating the database failed:\n${res.stdout}${res.stderr}`);
}
