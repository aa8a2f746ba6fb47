// The statements of detect-worker.mjs for each database, over whole sets (SQLite: one JSON array parameter read
// with json_each; PostgreSQL: arrays with unnest / ANY), and the executors that answer its steps. `query(text,
// values, mode)` runs one statement: "all" returns its rows, "run" nothing; it may answer synchronously
// (better-sqlite3) or with a promise (pg, Prisma), and the executor answers alike.
import { sqliteTime } from "../db/sqlite-time.mjs";

const DAY_MS = 86_400_000;
// Prisma's query promises are thenables, not Promise instances.
const then = (value, fn) => (typeof value?.then === "function" ? value.then(fn) : fn(value));
const json = (value) => JSON.stringify(value);

const rowsOf = `SELECT json_extract(value, '$[0]') AS a, json_extract(value, '$[1]') AS b, json_extract(value, '$[2]') AS c,
  json_extract(value, '$[3]') AS d, json_extract(value, '$[4]') AS e FROM json_each(?) WHERE true`;

export const SQLITE_DETECTION = {
  keys: `SELECT "id", "orgId", "name", "expiresAt" FROM "ApiKey" WHERE "id" IN (SELECT value FROM json_each(?))`,
  claim: `INSERT INTO "KeyDetection" ("keyId", "kind", "at") SELECT value, ?, ? FROM json_each(?) WHERE true
    ON CONFLICT ("keyId", "kind") DO UPDATE SET "at" = excluded."at" WHERE "KeyDetection"."at" <= ? RETURNING "keyId"`,
  addDenials: `INSERT INTO "KeyDenialCount" ("keyId", "minute", "count") SELECT a, b, c FROM (${rowsOf}) WHERE true
    ON CONFLICT ("keyId", "minute") DO UPDATE SET "count" = "KeyDenialCount"."count" + excluded."count"`,
  burstCounts: `SELECT "keyId", SUM("count") AS "count" FROM "KeyDenialCount"
    WHERE "keyId" IN (SELECT value FROM json_each(?)) AND "minute" >= ? GROUP BY "keyId" HAVING SUM("count") >= ?`,
  // "since" moves to this use when the network went unused for the quiet period; RETURNING gives the rows
  // inserted or so moved (since = lastSeenAt) and, of those, the ones that existed before (back).
  touchNetworks: `INSERT INTO "KeyNetwork" ("keyId", "network", "firstSeenAt", "since", "lastSeenAt") SELECT a, b, c, c, c FROM (${rowsOf}) WHERE true
    ON CONFLICT ("keyId", "network") DO UPDATE SET
      "since" = CASE WHEN julianday("KeyNetwork"."lastSeenAt") < julianday(excluded."lastSeenAt") - ? THEN excluded."lastSeenAt" ELSE "KeyNetwork"."since" END,
      "lastSeenAt" = excluded."lastSeenAt"
    WHERE "KeyNetwork"."lastSeenAt" < excluded."lastSeenAt"
    RETURNING "keyId", "network", "since" = "lastSeenAt" AS "fresh", "firstSeenAt" < "since" AS "back"`,
  networkCounts: `SELECT "keyId", COUNT(*) AS "count" FROM "KeyNetwork" WHERE "keyId" IN (SELECT value FROM json_each(?)) GROUP BY "keyId"`,
  outbox: `INSERT INTO "OutboxEvent" ("id", "orgId", "type", "payload", "createdAt") SELECT a, b, c, d, e FROM (${rowsOf})`,
};

// Epoch milliseconds to and from the TIMESTAMP(3) columns, which hold UTC whatever the session's TimeZone.
const ms = (column) => `timestamp '1970-01-01' + (${column}) * interval '1 millisecond'`;
const epochMs = (column) => `(extract(epoch from ${column}) * 1000)::float8`;

export const POSTGRES_DETECTION = {
  keys: `SELECT "id", "orgId", "name", ${epochMs(`"expiresAt"`)} AS "expiresAt" FROM "ApiKey" WHERE "id" = ANY($1::text[])`,
  claim: `INSERT INTO "KeyDetection" ("keyId", "kind", "at") SELECT k, $2, ${ms("$3::bigint")} FROM unnest($1::text[]) AS u(k)
    ON CONFLICT ("keyId", "kind") DO UPDATE SET "at" = excluded."at" WHERE "KeyDetection"."at" <= ${ms("$4::bigint")} RETURNING "keyId"`,
  addDenials: `INSERT INTO "KeyDenialCount" ("keyId", "minute", "count")
    SELECT k, ${ms("m")}, c FROM unnest($1::text[], $2::bigint[], $3::int[]) AS u(k, m, c)
    ON CONFLICT ("keyId", "minute") DO UPDATE SET "count" = "KeyDenialCount"."count" + excluded."count"`,
  burstCounts: `SELECT "keyId", SUM("count")::int AS "count" FROM "KeyDenialCount"
    WHERE "keyId" = ANY($1::text[]) AND "minute" >= ${ms("$2::bigint")} GROUP BY "keyId" HAVING SUM("count") >= $3::int`,
  touchNetworks: `INSERT INTO "KeyNetwork" ("keyId", "network", "firstSeenAt", "since", "lastSeenAt")
    SELECT k, n, ${ms("a")}, ${ms("a")}, ${ms("a")} FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(k, n, a)
    ON CONFLICT ("keyId", "network") DO UPDATE SET
      "since" = CASE WHEN "KeyNetwork"."lastSeenAt" < excluded."lastSeenAt" - $4::bigint * interval '1 millisecond'
        THEN excluded."lastSeenAt" ELSE "KeyNetwork"."since" END,
      "lastSeenAt" = excluded."lastSeenAt"
    WHERE "KeyNetwork"."lastSeenAt" < excluded."lastSeenAt"
    RETURNING "keyId", "network", "since" = "lastSeenAt" AS "fresh", "firstSeenAt" < "since" AS "back"`,
  networkCounts: `SELECT "keyId", COUNT(*)::int AS "count" FROM "KeyNetwork" WHERE "keyId" = ANY($1::text[]) GROUP BY "keyId"`,
  outbox: `INSERT INTO "OutboxEvent" ("id", "orgId", "type", "payload", "createdAt")
    SELECT i, o, t, p, ${ms("a")} FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) AS u(i, o, t, p, a)`,
};

const counts = (rows) => rows.map((r) => ({ keyId: r.keyId, count: Number(r.count) }));
const fresh = (rows) =>
  rows
    .filter((r) => r.fresh === true || Number(r.fresh) === 1)
    .map((r) => ({ keyId: r.keyId, network: r.network, back: r.back === true || Number(r.back) === 1 }));

/** Answers detect-worker.mjs's steps on SQLite. */
export function sqliteDetection(query) {
  const q = SQLITE_DETECTION;
  return (step) => {
    switch (step.op) {
      case "keys":
        return then(query(q.keys, [json(step.keyIds)], "all"), (rows) =>
          rows.map((k) => ({ id: k.id, orgId: k.orgId, name: k.name, expiresAt: k.expiresAt === null ? null : Date.parse(k.expiresAt) })),
        );
      case "claim":
        return then(
          query(q.claim, [step.kind, sqliteTime(step.at), json(step.keyIds), sqliteTime(step.at - step.everyMs)], "all"),
          (rows) => rows.map((r) => r.keyId),
        );
      case "addDenials":
        return query(q.addDenials, [json(step.rows.map((r) => [r.keyId, sqliteTime(r.minute), r.count]))], "run");
      case "burstCounts":
        return then(query(q.burstCounts, [json(step.keyIds), sqliteTime(step.since), step.threshold], "all"), counts);
      case "touchNetworks":
        return then(
          query(q.touchNetworks, [json(step.rows.map((r) => [r.keyId, r.network, sqliteTime(r.at)])), step.quietMs / DAY_MS], "all"),
          fresh,
        );
      case "networkCounts":
        return then(query(q.networkCounts, [json(step.keyIds)], "all"), counts);
      case "outbox":
        return query(q.outbox, [json(step.rows.map((r) => [r.id, r.orgId, r.type, r.payload, sqliteTime(r.at)]))], "run");
      default:
        throw new Error(`unknown detection step ${step.op}`);
    }
  };
}

/** Answers detect-worker.mjs's steps on PostgreSQL. */
export function postgresDetection(query) {
  const q = POSTGRES_DETECTION;
  const column = (rows, name) => rows.map((r) => r[name]);
  return (step) => {
    switch (step.op) {
      case "keys":
        return then(query(q.keys, [step.keyIds], "all"), (rows) =>
          rows.map((k) => ({ id: k.id, orgId: k.orgId, name: k.name, expiresAt: k.expiresAt === null ? null : Number(k.expiresAt) })),
        );
      case "claim":
        return then(query(q.claim, [step.keyIds, step.kind, step.at, step.at - step.everyMs], "all"), (rows) => column(rows, "keyId"));
      case "addDenials":
        return query(q.addDenials, [column(step.rows, "keyId"), column(step.rows, "minute"), column(step.rows, "count")], "run");
      case "burstCounts":
        return then(query(q.burstCounts, [step.keyIds, step.since, step.threshold], "all"), counts);
      case "touchNetworks":
        return then(
          query(q.touchNetworks, [column(step.rows, "keyId"), column(step.rows, "network"), column(step.rows, "at"), step.quietMs], "all"),
          fresh,
        );
      case "networkCounts":
        return then(query(q.networkCounts, [step.keyIds], "all"), counts);
      case "outbox":
        return query(
          q.outbox,
          [
            column(step.rows, "id"),
            column(step.rows, "orgId"),
            column(step.rows, "type"),
            column(step.rows, "payload"),
            column(step.rows, "at"),
          ],
          "run",
        );
      default:
        throw new Error(`unknown detection step ${step.op}`);
    }
  };
}
