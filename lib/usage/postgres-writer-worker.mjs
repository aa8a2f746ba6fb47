// The PostgreSQL usage writer's thread (see postgres-writer.ts), with `pg` directly: Prisma building a
// 2,000-row createMany on the request thread cost PostgreSQL three quarters of the verify throughput. Each
// batch is one transaction of at most three statements, each taking the whole batch as arrays (unnest): the
// events, their hourly rollups, the keys' last use.
import { workerData } from "node:worker_threads";
import pg from "pg";
import { POSTGRES_DETECTION, postgresDetection } from "./detect-sql.mjs";
import { detectAsync } from "./detect-worker.mjs";
import { FIELDS, LAST_USE_EVERY_MS, hourlyRollups, lastUses, rememberLastUses, serveBatches } from "./writer-thread-worker.mjs";

// One connection, opened again when lost (pg.Pool does that): batches are written one at a time anyway.
const pool = new pg.Pool({
  connectionString: workerData.url,
  max: 1,
  connectionTimeoutMillis: workerData.connectTimeoutMs,
  idleTimeoutMillis: 0,
  application_name: "keyward-usage-writer",
});
// An idle connection that breaks (server restart) is dropped by the pool; the next batch opens another.
pool.on("error", () => {});

// Epoch milliseconds to the TIMESTAMP(3) columns, which hold UTC (as Prisma writes them), whatever the session's
// TimeZone: no text dates to format, no time zone to convert.
const ms = (column) => `timestamp '1970-01-01' + (${column}) * interval '1 millisecond'`;

const insertEvents = {
  name: "keyward-usage-events",
  text: `INSERT INTO "UsageEvent" ("orgId", "keyId", "at", "outcome", "action", "resource", "ip", "userAgent")
    SELECT o, k, ${ms("a")}, r, act, res, ip, ua
    FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS e(o, k, a, r, act, res, ip, ua)`,
};
// Counts are added in the database, never read-modify-written: several instances flush into the same hours.
const addRollups = {
  name: "keyward-usage-rollups",
  text: `INSERT INTO "UsageRollup" ("orgId", "keyId", "hour", "outcome", "count")
    SELECT o, k, ${ms("h")}, r, c FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::int[]) AS u(o, k, h, r, c)
    ON CONFLICT ("orgId", "keyId", "hour", "outcome") DO UPDATE SET "count" = "UsageRollup"."count" + excluded."count"`,
};
// Only news is written: a use newer than the stored one by LAST_USE_EVERY_MS, or from another address or user
// agent; the lastUsedAt guard also keeps an older batch (from another process) from overwriting a newer use.
const touchKeys = {
  name: "keyward-usage-last-use",
  text: `UPDATE "ApiKey" SET "lastUsedAt" = v.at, "lastUsedIp" = v.ip, "lastUsedUserAgent" = v.ua
    FROM (SELECT id, ${ms("a")} AS at, ${ms("a - $5::bigint")} AS stale, ip, ua
          FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[]) AS u(id, a, ip, ua)) AS v
    WHERE "ApiKey"."id" = v.id AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < v.stale
      OR ("ApiKey"."lastUsedAt" < v.at AND ("ApiKey"."lastUsedIp" IS DISTINCT FROM v.ip OR "ApiKey"."lastUsedUserAgent" IS DISTINCT FROM v.ua)))`,
};

// Detection statements (detect-sql.mjs), prepared once per connection like the ones above.
const detectionNames = new Map(Object.entries(POSTGRES_DETECTION).map(([op, text]) => [text, `keyward-detect-${op}`]));

function eventColumns(chunks) {
  const columns = Array.from({ length: FIELDS }, () => []);
  for (const events of chunks) for (let i = 0; i < events.length; i++) columns[i % FIELDS].push(events[i]);
  return columns;
}

async function write(chunks) {
  const events = eventColumns(chunks);
  if (events[0].length === 0) return;
  const rollups = hourlyRollups(chunks);
  const uses = lastUses(chunks).sort((a, b) => (a.keyId < b.keyId ? -1 : 1));
  const client = await pool.connect();
  let detected;
  // A connection lost between two statements must fail this batch (retried), not end the thread uncaught.
  const lost = () => {};
  client.on("error", lost);
  try {
    await client.query("BEGIN");
    await client.query({ ...insertEvents, values: events });
    await client.query({
      ...addRollups,
      values: [
        rollups.map((r) => r.orgId),
        rollups.map((r) => r.keyId),
        rollups.map((r) => r.hour),
        rollups.map((r) => r.outcome),
        rollups.map((r) => r.count),
      ],
    });
    if (uses.length > 0)
      await client.query({
        ...touchKeys,
        values: [uses.map((u) => u.keyId), uses.map((u) => u.at), uses.map((u) => u.ip), uses.map((u) => u.userAgent), LAST_USE_EVERY_MS],
      });
    detected = await detectAsync(
      chunks,
      postgresDetection(async (text, values) => (await client.query({ name: detectionNames.get(text), text, values })).rows),
    );
    await client.query("COMMIT");
  } catch (error) {
    // A connection in an unknown state is not reused: closing it rolls the transaction back.
    client.off("error", lost);
    client.release(error);
    throw error;
  }
  client.off("error", lost);
  client.release();
  rememberLastUses(uses);
  detected.remember();
}

serveBatches({ write, close: () => pool.end() });
