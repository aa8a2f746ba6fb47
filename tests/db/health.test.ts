import { describe, expect, it } from "vitest";
import { createDb } from "@/lib/db/client";
import { assertDatabaseReady } from "@/lib/db/health";
import { testBackend, setUpTestDb } from "../support/db";

const { db, url } = await setUpTestDb();

describe("database readiness check", () => {
  it("passes on a migrated database", async () => {
    await expect(assertDatabaseReady(db, url)).resolves.toBeUndefined();
  });

  it("says the schema is behind when a migration is missing", async () => {
    const [latest] = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT MAX(migration_name) AS name FROM "_prisma_migrations"`);
    await db.$executeRawUnsafe(`DELETE FROM "_prisma_migrations" WHERE migration_name = '${latest.name}'`);
    await expect(assertDatabaseReady(db, url)).rejects.toThrow(
      /schema .* is behind: 1 migration\(s\) not applied \(\d{14}_\w+\)\. Run `npm run db:migrate`/,
    );
  });

  it.runIf(testBackend === "postgres")("says the server is unreachable, quickly", async () => {
    const unreachable = "postgresql://nobody:nothing@127.0.0.1:1/none";
    const started = Date.now();
    await expect(assertDatabaseReady(createDb(unreachable), unreachable)).rejects.toThrow(
      /Cannot reach the database at postgresql:\/\/127\.0\.0\.1:1\/none/,
    );
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it.runIf(testBackend === "sqlite")("says a SQLite file in a missing folder is unreachable", async () => {
    const unreachable = "file:/nonexistent-dir/keyward.db";
    await expect(assertDatabaseReady(createDb(unreachable), unreachable)).rejects.toThrow(
      /Cannot reach the database at file:\/nonexistent-dir/,
    );
  });
});
