import type { Prisma } from "../db/client";
import { sqliteTime } from "../db/sqlite-time.mjs";
import { Prisma as PrismaRuntime } from "../generated/sqlite/client";

// Pieces of the dispatcher's plain SQL, for both backends. Its hot statements are plain SQL because a Prisma query
// is compiled on the calling thread each time it runs (1–3 ms of CPU for a findMany with an `in` list, against
// 0.3 ms for the same statement as SQL), and the dispatcher shares the console's thread.

type Sql = Prisma.Sql;

export const sql = PrismaRuntime.sql;
export const rawSql = PrismaRuntime.raw;
export const emptySql = PrismaRuntime.empty;
export { sqliteTime };
// PostgreSQL's TIMESTAMP(3) columns hold UTC whatever the session's TimeZone: epoch milliseconds are converted there.
export const pgTimeOf = (expression: string) => `(timestamp '1970-01-01' + (${expression})::bigint * interval '1 millisecond')`;

export function timeValue(postgres: boolean, at: Date): Sql {
  return postgres ? sql`(timestamp '1970-01-01' + (${at.getTime()})::bigint * interval '1 millisecond')` : sql`${sqliteTime(at)}`;
}

/** The rows of a JSON array of arrays as a table `v` with columns c0…c{n-1} (text). */
export function jsonRows(postgres: boolean, rows: readonly unknown[][], columns: number): Sql {
  const json = JSON.stringify(rows);
  const pick = (i: number) => (postgres ? `e->>${i} AS c${i}` : `json_extract(value, '$[${i}]') AS c${i}`);
  const list = Array.from({ length: columns }, (_, i) => pick(i)).join(", ");
  return postgres
    ? sql`(SELECT ${rawSql(list)} FROM json_array_elements(${json}::json) AS e)`
    : sql`(SELECT ${rawSql(list)} FROM json_each(${json}))`;
}

/** `IN (…)` over ids, one bound JSON parameter whatever their number (the statement's text stays the same). */
export function inIds(postgres: boolean, ids: readonly string[]): Sql {
  const json = JSON.stringify(ids);
  return postgres ? sql`IN (SELECT json_array_elements_text(${json}::json))` : sql`IN (SELECT value FROM json_each(${json}))`;
}

/** A DateTime column read by plain SQL: a Date from PostgreSQL, ISO text from SQLite. */
export function readDate(value: unknown): Date;
export function readDate(value: unknown, nullable: true): Date | null;
export function readDate(value: unknown, nullable?: true): Date | null {
  if (value === null || value === undefined) {
    if (nullable) return null;
    throw new Error("unexpected NULL date");
  }
  if (value instanceof Date) return value;
  if (typeof value === "string" || typeof value === "number") return new Date(value);
  throw new Error(`unexpected date value of type ${typeof value}`);
}

/** A Boolean column read by plain SQL: true/false from PostgreSQL, 1/0 from SQLite. */
export function readBool(value: unknown): boolean {
  return value === true || value === 1 || value === 1n || value === "1";
}
