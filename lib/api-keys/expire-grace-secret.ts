import { DomainError } from "../errors";
import { recordAudit } from "../audit";
import type { Db, Prisma } from "../db/client";
import type { ExpireGraceSecretValues } from "../validations/key";
import type { KeyActor } from "./actor";
import { announceKeyChange, bumpKeysVersion } from "./key-changes";
import { assertNotRevoked, loadOrgKey } from "./load-key";
import { keyDetailInclude, toKeyView, type KeyView } from "./serialize";

/**
 * Ends a superseded secret's grace period at once: whoever rotated with grace and then learns the old
 * secret leaked cuts it off without touching the key or its new secret.
 */
export async function expireGraceSecret(
  db: Db,
  by: KeyActor,
  input: ExpireGraceSecretValues,
  now = new Date(),
  alsoInTransaction?: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<KeyView> {
  const key = await loadOrgKey(db, by.orgId, input.keyId);
  assertNotRevoked(key);
  const secret = key.secrets.find((s) => s.id === input.secretId);
  if (!secret) throw new DomainError("NOT_FOUND", "Secret not found");
  if (secret.supersededAt === null) throw new DomainError("CONFLICT", "This is the key's current secret; rotate or revoke the key instead");
  if (!secret.validUntil || secret.validUntil <= now) throw new DomainError("CONFLICT", "This secret has already stopped working");

  const row = await db.$transaction(async (tx) => {
    // Only a secret still in its grace period is ended: a concurrent expiry or rotation leaves nothing to do.
    const ended = await tx.keySecret.updateMany({
      where: { id: secret.id, keyId: key.id, supersededAt: { not: null }, validUntil: { gt: now } },
      data: { validUntil: now },
    });
    if (ended.count === 0) throw new DomainError("CONFLICT", "This secret has already stopped working");
    const updated = await tx.apiKey.update({
      where: { id: key.id },
      data: { updatedById: by.actor.id },
      include: keyDetailInclude,
    });
    await bumpKeysVersion(tx, by.orgId);
    await recordAudit(tx, {
      orgId: by.orgId,
      actor: by.actor,
      action: "key.secret_expired",
      target: { type: "key", id: key.id },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      at: now,
      data: { last4: secret.last4, graceWasUntil: secret.validUntil?.toISOString() ?? null },
    });
    await alsoInTransaction?.(tx);
    return updated;
  });
  announceKeyChange({ orgId: by.orgId, keyId: key.id });
  return toKeyView(row, now);
}
