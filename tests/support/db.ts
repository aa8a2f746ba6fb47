import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { createDb, type Db } from "@/lib/db/client";

/** A real, migrated SQLite database in a temp dir, private to the calling test file. */
export function useTestDb(): { db: Db; url: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-db-"));
  const file = path.join(dir, "test.db");
  copyFileSync(inject("sqliteTemplate"), file);
  const url = `file:${file}`;
  const db = createDb(url);
  afterAll(async () => {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, url };
}

export const testMeta = { ip: "203.0.113.7", userAgent: "vitest", secure: false };
