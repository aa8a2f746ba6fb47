import pg from "pg";

/** One statement on a PostgreSQL server outside Prisma: CREATE / DROP DATABASE for tests and benchmarks. */
export async function postgresAdminQuery(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

// 42501: a backend of the database is not ours to end — an autovacuum worker that started on it after heavy writes
// (it holds no role); 55006: the database is in use. Both pass within seconds.
const BUSY = new Set(["42501", "55006"]);

/** DROP DATABASE … WITH (FORCE), tried again for a few seconds while an autovacuum worker holds the database. */
export async function dropDatabaseForce(url: string, name: string, { tries = 10, waitMs = 500 } = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await postgresAdminQuery(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      return;
    } catch (error) {
      if (attempt >= tries || !BUSY.has((error as { code?: string }).code ?? "")) throw error;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}
