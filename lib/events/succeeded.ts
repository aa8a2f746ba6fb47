import { providerOfDb, type Db } from "../db/client";
import { jsonRows, pgTimeOf, rawSql, sqliteTime } from "./raw";

/** A delivery the receiver acknowledged (2xx), with what its log row shows of that attempt. */
export interface Succeeded {
  id: string;
  attempts: number;
  firstAttemptAt: Date;
  lastAttemptAt: Date;
  lastStatusCode: number | null;
  lastDurationMs: number;
}

/**
 * Writes the outcome of a batch's successful deliveries in one statement (the common case: a delivery each per
 * event, all acknowledged), where one update per delivery was most of the dispatcher's database work.
 */
export async function recordSucceeded(db: Db, rows: readonly Succeeded[]): Promise<void> {
  if (rows.length === 0) return;
  const postgres = providerOfDb(db) === "postgres";
  const time = (at: Date) => (postgres ? at.getTime() : sqliteTime(at));
  const values = rows.map((r) => [r.id, r.attempts, time(r.firstAttemptAt), time(r.lastAttemptAt), r.lastStatusCode, r.lastDurationMs]);
  const [attempts, first, last, status, duration] = postgres
    ? ["v.c1::int", pgTimeOf("v.c2"), pgTimeOf("v.c3"), "v.c4::int", "v.c5::int"]
    : ["v.c1", "v.c2", "v.c3", "v.c4", "v.c5"];
  await db.$executeRaw`UPDATE "WebhookDelivery" SET "status" = 'succeeded', "nextAttemptAt" = NULL,
      "attempts" = ${rawSql(attempts)}, "firstAttemptAt" = ${rawSql(first)}, "lastAttemptAt" = ${rawSql(last)},
      "lastStatusCode" = ${rawSql(status)}, "lastDurationMs" = ${rawSql(duration)}, "lastError" = NULL
    FROM ${jsonRows(postgres, values, 6)} AS v
    WHERE "WebhookDelivery"."id" = v.c0`;
}
