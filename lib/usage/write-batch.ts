import { Prisma } from "../generated/sqlite/client";
import { providerOfDb, type Db } from "../db/client";
import { eventsOf, type UsageChunk, type UsageEventInput } from "./event";
import { ALLOWED_OUTCOME } from "./outcomes";
import { rollupsFromEvents } from "./rollup";
import { LAST_USE_EVERY_MS } from "./last-use";
import { postgresDetection, sqliteDetection, type DetectionQuery } from "./detect-sql.mjs";
import { detectAsync } from "./detect-worker.mjs";

type Tx = Prisma.TransactionClient;

interface LastUse {
  keyId: string;
  at: Date;
  ip: string | null;
  userAgent: string | null;
}

/** The latest allowed use per key in the batch: what ApiKey.lastUsed* should become. */
function lastUses(events: readonly UsageEventInput[]): LastUse[] {
  const byKey = new Map<string, LastUse>();
  for (const e of events) {
    if (e.outcome !== ALLOWED_OUTCOME || !e.keyId) continue;
    const seen = byKey.get(e.keyId);
    if (!seen || seen.at.getTime() <= e.at.getTime()) byKey.set(e.keyId, { keyId: e.keyId, at: e.at, ip: e.ip, userAgent: e.userAgent });
  }
  return [...byKey.values()];
}

// Counts are added in the database (count = count + excluded.count), never read-modify-written here, so
// several processes flushing into the same hour stay exact. Same statement on SQLite and PostgreSQL.
async function upsertRollups(tx: Tx, events: readonly UsageEventInput[], postgres: boolean) {
  const rows = rollupsFromEvents(events);
  if (rows.length === 0) return;
  const hour = (d: Date) => (postgres ? Prisma.sql`${d}::timestamp(3)` : Prisma.sql`${d}`);
  const values = Prisma.join(rows.map((r) => Prisma.sql`(${r.orgId}, ${r.keyId}, ${hour(r.hour)}, ${r.outcome}, ${r.count})`));
  await tx.$executeRaw`INSERT INTO "UsageRollup" ("orgId", "keyId", "hour", "outcome", "count") VALUES ${values}
    ON CONFLICT ("orgId", "keyId", "hour", "outcome") DO UPDATE SET "count" = "UsageRollup"."count" + excluded."count"`;
}

// One UPDATE … FROM (VALUES …) for every key of the batch, writing only news: a use newer than the stored one
// by LAST_USE_EVERY_MS, or from another address or user agent. The lastUsedAt guard also keeps an older batch
// (from another process) from overwriting a newer use. VALUES columns are column1…columnN on both databases.
async function updateLastUse(tx: Tx, events: readonly UsageEventInput[], postgres: boolean) {
  const uses = lastUses(events);
  if (uses.length === 0) return;
  const staleBefore = (u: LastUse) => new Date(u.at.getTime() - LAST_USE_EVERY_MS);
  const values = Prisma.join(
    uses.map((u) =>
      postgres
        ? Prisma.sql`(${u.keyId}::text, ${u.at}::timestamp(3), ${u.ip}::text, ${u.userAgent}::text, ${staleBefore(u)}::timestamp(3))`
        : Prisma.sql`(${u.keyId}, ${u.at}, ${u.ip}, ${u.userAgent}, ${staleBefore(u)})`,
    ),
  );
  const differs = postgres ? Prisma.sql`IS DISTINCT FROM` : Prisma.sql`IS NOT`;
  await tx.$executeRaw`UPDATE "ApiKey" SET "lastUsedAt" = v.column2, "lastUsedIp" = v.column3, "lastUsedUserAgent" = v.column4
    FROM (VALUES ${values}) AS v
    WHERE "ApiKey"."id" = v.column1 AND ("ApiKey"."lastUsedAt" IS NULL OR "ApiKey"."lastUsedAt" < v.column5
      OR ("ApiKey"."lastUsedAt" < v.column2 AND ("ApiKey"."lastUsedIp" ${differs} v.column3 OR "ApiKey"."lastUsedUserAgent" ${differs} v.column4)))`;
}

export interface UsageBatchWriter {
  /** Writes one batch in one transaction: the raw events, their hourly rollups and the keys' last use. */
  write(batch: readonly UsageChunk[]): Promise<void>;
}

export function prismaUsageWriter(db: Db): UsageBatchWriter {
  return { write: (batch) => writeUsageBatch(db, eventsOf(batch)) };
}

/** Writes one batch in one transaction: the raw events, their hourly rollups and the keys' last use. */
export async function writeUsageBatch(db: Db, events: readonly UsageEventInput[]): Promise<void> {
  if (events.length === 0) return;
  const postgres = providerOfDb(db) === "postgres";
  const detected = await db.$transaction(async (tx) => {
    await tx.usageEvent.createMany({
      data: events.map((e) => ({
        orgId: e.orgId,
        keyId: e.keyId,
        at: e.at,
        outcome: e.outcome,
        action: e.action,
        resource: e.resource,
        ip: e.ip,
        userAgent: e.userAgent,
      })),
    });
    await upsertRollups(tx, events, postgres);
    await updateLastUse(tx, events, postgres);
    return detectUsage(tx, events, postgres);
  });
  detected.remember();
}

// The same detections as the writer threads' (lib/usage/detect-worker.mjs), for batches written here: a
// management API request refused for a revoked key, or a process without a database URL.
async function detectUsage(tx: Tx, events: readonly UsageEventInput[], postgres: boolean): Promise<{ remember(): void }> {
  const chunk = events.flatMap((e) => [e.orgId, e.keyId, e.at.getTime(), e.outcome, e.action, e.resource, e.ip, e.userAgent]);
  const query: DetectionQuery = (text, values, mode) =>
    mode === "all" ? tx.$queryRawUnsafe(text, ...values) : tx.$executeRawUnsafe(text, ...values);
  return detectAsync([chunk], postgres ? postgresDetection(query) : sqliteDetection(query));
}
