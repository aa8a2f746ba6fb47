import { providerOfDb, type Db } from "../db/client";
import { emptySql, readBool, sql, timeValue } from "./raw";

/**
 * Whether a dispatcher round has anything to do: an event not yet fanned out, or a webhook (or, with email on, an
 * email) delivery due. One plain statement outside any transaction, answered from indexes: most rounds of a
 * server find nothing, and this is all such a round costs (the claim and the fan-out each open a transaction).
 * A row written just after it looked waits for the next round, as one written just after a claim would.
 */
export async function dispatchPending(db: Db, now: Date, email: boolean): Promise<boolean> {
  const postgres = providerOfDb(db) === "postgres";
  const due = timeValue(postgres, now);
  const emails = email ? sql`OR EXISTS (SELECT 1 FROM "EmailDelivery" WHERE "status" = 'pending' AND "nextAttemptAt" <= ${due})` : emptySql;
  const [row] = await db.$queryRaw<{ pending: unknown }[]>`SELECT (
    EXISTS (SELECT 1 FROM "OutboxEvent" WHERE "dispatchedAt" IS NULL)
    OR EXISTS (SELECT 1 FROM "WebhookDelivery" WHERE "status" = 'pending' AND "nextAttemptAt" <= ${due})
    ${emails}) AS "pending"`;
  return readBool(row?.pending);
}
