import type { Db, Prisma } from "../db/client";
import { providerOfDb } from "../db/client";
import { lockRows } from "./retry";

type Tx = Prisma.TransactionClient;
type Due = { status: "pending"; nextAttemptAt: { lte: Date } };

/** The part of a delivery table (webhook or email) that claiming uses. */
interface DeliveryTable {
  findMany(args: { where: Due; orderBy: { nextAttemptAt: "asc" }; take: number; select: { id: true } }): PromiseLike<{ id: string }[]>;
  updateMany(args: { where: { id: { in: string[] } }; data: { nextAttemptAt: Date } }): PromiseLike<unknown>;
}

export interface ClaimOptions {
  now: () => Date;
  batchSize: number;
  /** How long a claimed row is this instance's: longer than an attempt can take. */
  leaseMs: number;
}

/**
 * Takes up to batchSize due deliveries for this instance, in one transaction: the oldest due rows, locked (rows
 * another instance holds are skipped, on PostgreSQL), read again under the lock by `read` (another instance may have
 * sent one between the two statements), then leased: nextAttemptAt moves leaseMs ahead, so no one else takes them
 * while this instance sends, and an instance that dies mid-send leaves them due again when the lease ends.
 */
export function claimDue<Claimed extends { id: string }>(
  db: Db,
  table: { name: "WebhookDelivery" | "EmailDelivery"; of: (tx: Tx) => DeliveryTable },
  o: ClaimOptions,
  read: (tx: Tx, where: Due & { id: { in: string[] } }) => Promise<Claimed[]>,
): Promise<Claimed[]> {
  const postgres = providerOfDb(db) === "postgres";
  return db.$transaction(async (tx) => {
    const now = o.now();
    const due: Due = { status: "pending", nextAttemptAt: { lte: now } };
    const candidates = await table
      .of(tx)
      .findMany({ where: due, orderBy: { nextAttemptAt: "asc" }, take: o.batchSize, select: { id: true } });
    if (candidates.length === 0) return [];
    const locked = await lockRows(
      tx,
      table.name,
      candidates.map((c) => c.id),
      postgres,
    );
    const claimed = await read(tx, { ...due, id: { in: locked } });
    if (claimed.length === 0) return [];
    await table.of(tx).updateMany({
      where: { id: { in: claimed.map((c) => c.id) } },
      data: { nextAttemptAt: new Date(now.getTime() + o.leaseMs) },
    });
    return claimed;
  });
}
