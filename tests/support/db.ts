import { randomBytes } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, inject } from "vitest";
import { createDb, type Db } from "@/lib/db/client";
import { createDatabaseFrom, dropDatabase } from "./postgres";

export const testBackend = process.env.KEYWARD_TEST_DB === "postgres" ? "postgres" : "sqlite";

export interface TestDatabase {
  db: Db;
  url: string;
  drop: () => Promise<void>;
}

/**
 * A new, migrated database: a copy of the SQLite template, or — in the "postgres" project — a PostgreSQL
 * database cloned from the migrated template.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testBackend === "postgres") {
    const admin = process.env.TEST_POSTGRES_URL!;
    const name = `keyward_t_${randomBytes(6).toString("hex")}`;
    const url = await createDatabaseFrom(admin, name, inject("postgresTemplate"));
    const db = createDb(url);
    return {
      db,
      url,
      drop: async () => {
        await db.$disconnect();
        await dropDatabase(admin, name);
      },
    };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-db-"));
  const file = path.join(dir, "test.db");
  copyFileSync(inject("sqliteTemplate"), file);
  const url = `file:${file}`;
  const db = createDb(url);
  return {
    db,
    url,
    drop: async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A database private to the calling test file, dropped after it. */
export async function setUpTestDb(): Promise<{ db: Db; url: string }> {
  const database = await createTestDatabase();
  afterAll(database.drop);
  return database;
}

export const testMeta = { ip: "203.0.113.7", userAgent: "vitest", secure: false };
