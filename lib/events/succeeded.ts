import { providerOfDb, type Db } from "../db/client";
import { Prisma as PrismaRuntime } from "../generated/sqlite/client";

/** A delivery the receiver acknowledged (2xx), with what its log row shows of that attempt. */
export interface Succeeded {
  id: string;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  lastStatusCode: number | null;
  lastDurationMs: number;
}

// SQLite stores Prisma's DateTime as ISO-8601 text with "+00:00"; these rows must compare and sort alike.
const sqliteTime = (at: Date) => at.toISOString().replace("Z", "+00:00");
// Epoch milliseconds to the TIMESTAMP(3) columns, which hold UTC whatever the session's TimeZone.
const pgTime = (column: string) => `timestamp '1970-01-01' + (${column}) * interval '1 millisecond'`;

/**
 * Writes the outcome of a batch's successful deliveries in one statement (the common case: a delivery each per
 * event, all acknowledged), where one update per delivery was most of the dispatcher's database work.
 */
export async function recordSucceeded(db: Db, rows: readonly Succeeded[]): Promise<void> {
  if (rows.length === 0) return;
  const postgres = providerOfDb(db) === "postgres";
  const values = JSON.stringify(
    rows.map((r) => [
      r.id,
      r.attempts,
      postgres ? r.firstAttemptAt.getTime() : sqliteTime(r.firstAttemptAt),
      postgres ? r.lastAttemptAt.getTime() : sqliteTime(r.lastAttemptAt),
      r.lastStatusCode,
      r.lastDurationMs,
    ]),
  );
  const set = (first: string, last: string) =>
    `"status" = 'succeeded', "nextAttemptAt" = NULL, "attempts" = v.a, "firstAttemptAt" = ${first}, "lastAttemptAt" = ${last},
     "lastStatusCode" = v.s, "lastDurationMs" = v.d, "lastError" = NULL`;
  if (postgres) {
    await db.$executeRaw`UPDATE "WebhookDelivery" AS w SET ${PrismaRuntime.raw(set(pgTime("v.f"), pgTime("v.l")))}
      FROM (SELECT e->>0 AS id, (e->>1)::int AS a, (e->>2)::bigint AS f, (e->>3)::bigint AS l, (e->>4)::int AS s, (e->>5)::int AS d
            FROM json_array_elements(${values}::json) AS e) AS v
      WHERE w."id" = v.id`;
    return;
  }
  await db.$executeRaw`UPDATE "WebhookDelivery" SET ${PrismaRuntime.raw(set("v.f", "v.l"))}
    FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS a, json_extract(value, '$[2]') AS f,
                 json_extract(value, '$[3]') AS l, json_extract(value, '$[4]') AS s, json_extract(value, '$[5]') AS d
          FROM json_each(${values})) AS v
    WHERE "WebhookDelivery"."id" = v.id`;
}
