import type { Prisma } from "../db/client";
import { Prisma as PrismaRuntime } from "../generated/sqlite/client";

type Tx = Prisma.TransactionClient;

/** Exponential backoff with "equal jitter": half the delay fixed, half random, so retries of many endpoints spread out. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const delay = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(delay / 2 + random() * (delay / 2));
}

/** Row ids among `ids` this transaction now holds, skipping rows another instance holds (PostgreSQL only). */
export async function lockRows(
  tx: Tx,
  table: "OutboxEvent" | "WebhookDelivery" | "EmailDelivery",
  ids: string[],
  postgres: boolean,
): Promise<string[]> {
  if (!postgres || ids.length === 0) return ids;
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM ${PrismaRuntime.raw(`"${table}"`)} WHERE "id" IN (${PrismaRuntime.join(
    ids,
  )}) FOR UPDATE SKIP LOCKED`;
  return rows.map((r) => r.id);
}
