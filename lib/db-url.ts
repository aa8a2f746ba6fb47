// Which database a DATABASE_URL names. Shared by the app, the Prisma CLI configs and the scripts.
export const DEFAULT_DATABASE_URL = "file:./data/keyward.db";

export type DatabaseProvider = "sqlite" | "postgres";

export function databaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL;
}

export function providerOf(url: string): DatabaseProvider {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL); got "${url.split(":")[0]}:…"`);
}

export function sqliteFilePath(url: string | undefined): string {
  return (url || DEFAULT_DATABASE_URL).replace(/^file:/, "");
}
