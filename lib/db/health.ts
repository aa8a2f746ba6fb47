import { readdirSync } from "node:fs";
import path from "node:path";
import { databaseUrl, providerOf } from "../db-url";
import type { Db } from "./client";

export class DatabaseNotReadyError extends Error {
  constructor(
    message: string,
    /** What /readyz reports (server/readiness.ts): the message names the database, this does not. */
    readonly reason: "database_unreachable" | "migrations_pending" = "database_unreachable",
  ) {
    super(message);
  }
}

function describeTarget(url: string): string {
  if (url.startsWith("file:")) return url;
  const u = new URL(url);
  return `${u.protocol}//${u.hostname}:${u.port || 5432}${u.pathname}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new DatabaseNotReadyError(message)), ms).unref())]);
}

/**
 * Fails fast, with a message a person can act on, when the database is unreachable or its schema is behind
 * the committed migrations — instead of the first request failing obscurely.
 */
export async function assertDatabaseReady(db: Db, url = databaseUrl(), root = process.cwd(), timeoutMs = 5000): Promise<void> {
  const target = describeTarget(url);
  try {
    await withTimeout(db.$queryRawUnsafe("SELECT 1"), timeoutMs, `timed out after ${timeoutMs} ms`);
  } catch (error) {
    const e = error as { code?: string; message?: string; meta?: { driverAdapterError?: { cause?: { kind?: string } } } };
    // The driver adapter's kind (DatabaseNotReachable, AuthenticationFailed, …) says more than Prisma's P2010.
    const reason = e.meta?.driverAdapterError?.cause?.kind ?? e.code ?? String(e.message ?? error).split("\n")[0];
    throw new DatabaseNotReadyError(
      `Cannot reach the database at ${target} (${reason}). Check DATABASE_URL and that the server is running.`,
    );
  }
  const dir = path.join(root, "prisma", providerOf(url), "migrations");
  const expected = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  let applied: string[] = [];
  try {
    const rows = await db.$queryRawUnsafe<{ migration_name: string }[]>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    applied = rows.map((r) => r.migration_name);
  } catch {
    applied = [];
  }
  const missing = expected.filter((name) => !applied.includes(name));
  if (missing.length > 0) {
    throw new DatabaseNotReadyError(
      `The database schema at ${target} is behind: ${missing.length} migration(s) not applied (${missing.join(", ")}). Run \`npm run db:migrate\` (npm start does it for you).`,
      "migrations_pending",
    );
  }
}
