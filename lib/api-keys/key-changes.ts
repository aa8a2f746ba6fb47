import { EventEmitter } from "node:events";
import type { Db, Prisma } from "../db/client";

export interface KeyChange {
  orgId: string;
  keyId: string;
}

// The seam between key mutations and whoever caches key state (the verification path): in this process an
// event, delivered synchronously; across processes the organization's keysVersion, bumped in the same
// transaction as the change.
// One emitter per process, not per module copy: Next bundles this file into its server chunks while
// server.ts (which hosts the verification cache) loads it directly, so a module-level emitter would leave
// the console's changes unheard by the cache until the keysVersion poll.
const globalForChanges = globalThis as unknown as { keywardKeyChanges?: EventEmitter };
const emitter = (globalForChanges.keywardKeyChanges ??= new EventEmitter().setMaxListeners(50));

export function onKeyChange(listener: (change: KeyChange) => void): () => void {
  emitter.on("change", listener);
  return () => emitter.off("change", listener);
}

export function announceKeyChange(change: KeyChange): void {
  emitter.emit("change", change);
}

type Tx = Prisma.TransactionClient | Db;

export async function bumpKeysVersion(tx: Tx, orgId: string): Promise<void> {
  await tx.organization.update({ where: { id: orgId }, data: { keysVersion: { increment: 1 } } });
}
