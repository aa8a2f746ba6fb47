import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as PostgresClient } from "../generated/postgres/client";
import { PrismaClient as SqliteClient } from "../generated/sqlite/client";
import { databaseUrl, providerOf, sqliteFilePath, type DatabaseProvider } from "../db-url";
import { SqliteAdapter } from "./sqlite-adapter";
export type { DatabaseProvider } from "../db-url";

// Both generated clients have the same API (one schema renders both); the SQLite one names the type.
export type Db = SqliteClient;
export type { Prisma } from "../generated/sqlite/client";

// On globalThis: Next bundles this module into several server chunks, and a client created by one copy must
// still be recognised by another.
const globalForProviders = globalThis as unknown as { keywardDbProviders?: WeakMap<object, DatabaseProvider> };
const providers = (globalForProviders.keywardDbProviders ??= new WeakMap<object, DatabaseProvider>());

export function createDb(url: string = databaseUrl()): Db {
  const provider = providerOf(url);
  let db: Db;
  if (provider === "sqlite") {
    db = new SqliteClient({ adapter: new SqliteAdapter({ url: sqliteFilePath(url) }) });
  } else {
    const pool = {
      connectionString: url,
      max: Number(process.env.DATABASE_POOL_SIZE || 10),
      connectionTimeoutMillis: Number(process.env.DATABASE_CONNECT_TIMEOUT_MS || 5000),
    };
    db = new PostgresClient({ adapter: new PrismaPg(pool) }) as unknown as Db;
  }
  providers.set(db, provider);
  return db;
}

/** Which backend a client talks to: the few queries that differ (case-insensitive search, raw SQL) ask this. */
export function providerOfDb(db: object): DatabaseProvider {
  return providers.get(db) ?? "sqlite";
}

const globalForDb = globalThis as unknown as { keywardDb?: { db: Db; provider: DatabaseProvider } };

// One client per process: Next's dev server reloads modules, the custom server and the app share it.
export function getDb(): Db {
  if (!globalForDb.keywardDb) {
    const url = databaseUrl();
    globalForDb.keywardDb = { db: createDb(url), provider: providerOf(url) };
  }
  return globalForDb.keywardDb.db;
}
