import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { defineConfig } from "prisma/config";
import { sqliteFilePath } from "../lib/db-url";

// The JavaScript schema engine: migrations run through the driver adapter, no engine binary needed.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: "sqlite/schema.prisma",
  migrations: { path: "sqlite/migrations" },
  adapter: async () => new PrismaBetterSQLite3({ url: sqliteFilePath(process.env.DATABASE_URL) }),
});
