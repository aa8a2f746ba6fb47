import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import { eventActor, keySummary } from "../events/payloads";
import { recordEvent } from "../events/record";
import type { KeyActor } from "./actor";
import { announceKeyChange, bumpKeysVersion } from "./key-changes";
import { assertNotRevoked, loadOrgKey } from "./load-key";
import { keyDetailInclude, toKeyView, type KeyView } from "./serialize";

/**
 * Disables (every verification answers DISABLED) or enables a key again. Unlike revoke it is reversible; the
 * verification cache hears of it the way it hears of a revoke (the change event here, keysVersion elsewhere).
 */
export async function setKeyEnabled(
  db: Db,
  by: KeyActor,
  input: { keyId: string; enabled: boolean },
  now = new Date(),
  source: "console" | "api" = "console",
): Promise<KeyView> {
  const key = await loadOrgKey(db, by.orgId, input.keyId);
  assertNotRevoked(key);
  if ((key.disabledAt === null) === input.enabled) {
    throw new DomainError("CONFLICT", input.enabled ? "This key is already enabled" : "This key is already disabled");
  }
  const row = await db.$transaction(async (tx) => {
    // The condition on disabledAt makes two concurrent requests record one change.
    const { count } = await tx.apiKey.updateMany({
      where: { id: key.id, revokedAt: null, disabledAt: input.enabled ? { not: null } : null },
      data: input.enabled
        ? { disabledAt: null, disabledByLabel: null, updatedById: by.actor.id }
        : { disabledAt: now, disabledByLabel: by.actor.label, updatedById: by.actor.id },
    });
    if (count === 0) return null;
    await bumpKeysVersion(tx, by.orgId);
    await recordAudit(tx, {
      orgId: by.orgId,
      actor: by.actor,
      action: input.enabled ? "key.enabled" : "key.disabled",
      target: { type: "key", id: key.id },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      at: now,
      data: { name: key.name, source },
    });
    const changed = await tx.apiKey.findUniqueOrThrow({ where: { id: key.id }, include: keyDetailInclude });
    await recordEvent(tx, {
      orgId: by.orgId,
      type: input.enabled ? "key.enabled" : "key.disabled",
      payload: { key: keySummary(changed), source, actor: eventActor(by.actor) },
      at: now,
    });
    return changed;
  });
  if (!row) throw new DomainError("CONFLICT", "This key changed meanwhile; reload and try again");
  announceKeyChange({ orgId: by.orgId, keyId: key.id });
  return toKeyView(row, now);
}
