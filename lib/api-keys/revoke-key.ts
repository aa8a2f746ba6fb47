import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import type { Db, Prisma } from "../db/client";
import { eventActor, keySummary } from "../events/payloads";
import { recordEvent } from "../events/record";
import { confirmNameMatches, type BulkRevokeValues, type RevokeKeyValues } from "../validations/key";
import type { KeyActor } from "./actor";
import { announceKeyChange, bumpKeysVersion } from "./key-changes";
import { KEY_NOT_FOUND, loadOrgKey } from "./load-key";
import { keyDetailInclude, toKeyView, type KeyView } from "./serialize";

export type RevokeOutcome = "revoked" | "already_revoked" | "not_found";

/** Revokes one key of the organization; permanent. Returns the outcome rather than failing on a revoked key. */
export async function revokeKeyById(
  db: Db,
  by: KeyActor,
  keyId: string,
  reason: string | undefined,
  now = new Date(),
  source: "console" | "api" | "leak" = "console",
  /** More writes that must commit with the revocation, or not at all (a leak report's audit and events). */
  alsoInTransaction?: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<{ outcome: RevokeOutcome; key?: KeyView }> {
  const key = await db.apiKey.findFirst({ where: { id: keyId, orgId: by.orgId }, select: { id: true, name: true, revokedAt: true } });
  if (!key) return { outcome: "not_found" };
  if (key.revokedAt) return { outcome: "already_revoked" };
  const row = await db.$transaction(async (tx) => {
    // The revokedAt IS NULL condition makes two concurrent revokes record one revocation.
    const { count } = await tx.apiKey.updateMany({
      where: { id: key.id, revokedAt: null },
      data: { revokedAt: now, revokedById: by.actor.id, revokedByLabel: by.actor.label, revokeReason: reason || null },
    });
    if (count === 0) return null;
    await bumpKeysVersion(tx, by.orgId);
    const revoked = await tx.apiKey.findUniqueOrThrow({ where: { id: key.id }, include: keyDetailInclude });
    await recordEvent(tx, {
      orgId: by.orgId,
      type: "key.revoked",
      payload: { key: keySummary(revoked), reason: reason || null, source, actor: eventActor(by.actor) },
      at: now,
    });
    await recordAudit(tx, {
      orgId: by.orgId,
      actor: by.actor,
      action: "key.revoked",
      target: { type: "key", id: key.id },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      at: now,
      data: { name: key.name, reason: reason || null, source },
    });
    await alsoInTransaction?.(tx);
    return revoked;
  });
  if (!row) return { outcome: "already_revoked" };
  announceKeyChange({ orgId: by.orgId, keyId: key.id });
  return { outcome: "revoked", key: toKeyView(row, now) };
}

/** The console's single revoke: the typed name must match the key's name. */
export async function revokeKey(db: Db, by: KeyActor, input: RevokeKeyValues, now = new Date()): Promise<KeyView> {
  const key = await loadOrgKey(db, by.orgId, input.keyId);
  if (key.revokedAt) throw new DomainError("CONFLICT", "This key is already revoked");
  if (!confirmNameMatches(input.confirmName, key.name)) {
    throw new DomainError("VALIDATION", "That doesn't match the key's name", { confirmName: "That doesn't match the key's name" });
  }
  const result = await revokeKeyById(db, by, key.id, input.reason, now, input.fromLeak ? "leak" : "console");
  if (result.outcome === "not_found") throw new DomainError("NOT_FOUND", KEY_NOT_FOUND);
  if (!result.key) throw new DomainError("CONFLICT", "This key is already revoked");
  return result.key;
}

/** Each key on its own: the result says, per key, what happened — never all-or-nothing over a partial change. */
export async function bulkRevokeKeys(
  db: Db,
  by: KeyActor,
  input: BulkRevokeValues,
  now = new Date(),
  source: "console" | "leak" = "console",
) {
  const results: { keyId: string; outcome: RevokeOutcome; name?: string }[] = [];
  for (const keyId of input.keyIds) {
    const { outcome, key } = await revokeKeyById(db, by, keyId, input.reason, now, source);
    results.push({ keyId, outcome, name: key?.name });
  }
  return results;
}
