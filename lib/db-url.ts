// Which database a DATABASE_URL names. Shared by the app, the Prisma CLI configs and the scripts
// (scripts/prisma.mjs repeats the default: it runs before anything can load TypeScript).

/** Without DATABASE_URL: an SQLite file in the data directory, beside the generated master key. */
export function defaultDatabaseUrl(env: Record<string, string | undefined> = process.env): string {
  return `file:${env.KEYWARD_DATA_DIR?.trim() || "./data"}/keyward.db`;
}

export type DatabaseProvider = "sqlite" | "postgres";

export function databaseUrl(env: Record<string, string | undefined> = process.env): string {
  return env.DATABASE_URL?.trim() || defaultDatabaseUrl(env);
}

export function providerOf(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL); got "${url.split(":")[0]}:…"`);
}

export function sqliteFilePath(url: string | undefined): string {
  return (url || databaseUrl()).replace(/^file:/, "");
}
