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
