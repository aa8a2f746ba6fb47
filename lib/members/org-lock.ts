import type { Prisma } from "../db/client";

/**
 * Serializes member changes in one organization: a write to its row makes a concurrent transaction wait
 * (PostgreSQL row lock; SQLite has one writer anyway), so two admins demoting each other cannot both see
 * "another admin remains" and leave none.
 */
export async function lockOrg(tx: Prisma.TransactionClient, orgId: string) {
  await tx.organization.update({ where: { id: orgId }, data: { keysVersion: { increment: 0 } } });
}
