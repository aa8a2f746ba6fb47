// The migrations, applied in order to an empty database (the test template), give every table and column the
// schema declares. Migrations written on parallel branches can each be right alone and wrong together: a SQLite
// table rebuilt by one (Prisma's "RedefineTables") silently drops the columns another added.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { setUpTestDb, testBackend } from "../support/db";

const { db } = await setUpTestDb();

const SCALAR = /^\s+(\w+)\s+(String|Int|BigInt|Boolean|DateTime|Float|Decimal|Json|Bytes)\b/;

/** model name → its scalar fields, read from prisma/schema.prisma. */
function declaredColumns(): Map<string, string[]> {
  const schema = readFileSync(path.resolve("prisma/schema.prisma"), "utf8");
  const models = new Map<string, string[]>();
  for (const block of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const fields = block[2].split("\n").flatMap((line) => SCALAR.exec(line)?.[1] ?? []);
    models.set(block[1], fields);
  }
  return models;
}

async function actualColumns(table: string): Promise<string[]> {
  if (testBackend === "postgres") {
    const rows = await db.$queryRawUnsafe<{ column_name: string }[]>(
      `SELECT column_name::text AS column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
      table,
    );
    return rows.map((r) => r.column_name);
  }
  const rows = await db.$queryRawUnsafe<{ name: string }[]>(`SELECT name FROM pragma_table_info(?)`, table);
  return rows.map((r) => r.name);
}

describe("migrations", () => {
  it("create every column of every model in prisma/schema.prisma", async () => {
    const missing: string[] = [];
    const models = declaredColumns();
    expect(models.size).toBeGreaterThan(20);
    for (const [model, fields] of models) {
      const columns = new Set(await actualColumns(model));
      for (const field of fields) if (!columns.has(field)) missing.push(`${model}.${field}`);
    }
    expect(missing).toEqual([]);
  });
});
