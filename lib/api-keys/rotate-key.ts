import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import type { Db, Prisma } from "../db/client";
import { eventActor, keySummary } from "../events/payloads";
import { recordEvent } from "../events/record";
import { newId } from "../ids";
import { generateSecret, isKeyEnvironment } from "../keys";
import { graceMs, type RotateKeyValues } from "../validations/key";
import type { KeyActor } from "./actor";
import { announceKeyChange, bumpKeysVersion } from "./key-changes";
import { assertNotRevoked, loadOrgKey } from "./load-key";
import { policyViolations } from "./policy";
import { refuseForPolicy } from "./policy-refusal";
import { hasRateLimit } from "../ratelimits/key-limits";
import { keyDetailInclude, toKeyView, type KeyView } from "./serialize";
import { orgWithSigningSecret, secretHashFor } from "./signing";

/**
 * A new secret for the same key (same id, scopes, IPs, expiry). The old secret stops at once, or keeps
 * working until the grace period ends; a secret still in an earlier grace period ends now.
 */
export async function rotateKey(
  db: Db,
  by: KeyActor,
  input: RotateKeyValues,
  now = new Date(),
  alsoInTransaction?: (tx: Prisma.TransactionClient) => Promise<void>,
): Promise<{ key: KeyView; secret: string }> {
  const key = await loadOrgKey(db, by.orgId, input.keyId);
  assertNotRevoked(key);
  if (key.expiresAt && key.expiresAt <= now) throw new DomainError("CONFLICT", "This key has expired; create a new key instead");
  const found = await orgWithSigningSecret(db, by.orgId);
  if (!found) throw new DomainError("NOT_FOUND", "Organization not found");
  const { org, signingSecret } = found;
  const violations = policyViolations(
    org,
    {
      expiresAt: key.expiresAt,
      scopes: key.scopes.map((s) => ({ action: s.action as "read", resourceFilter: s.resourceFilter })),
      cidrs: key.cidrs.map((c) => c.cidr),
      owner: key.owner,
      rateLimited: await hasRateLimit(db, key.rateLimits, key.tierId),
    },
    now,
  );
  if (Object.keys(violations).length > 0) {
    await refuseForPolicy(
      db,
      by,
      "rotate",
      { type: "key", id: key.id },
      violations,
      `${Object.values(violations)[0]}. Edit the key to comply before rotating it.`,
    );
  }

  const generated = generateSecret({ prefix: org.keyPrefix, env: isKeyEnvironment(key.environment) ? key.environment : "live" });
  const validUntil = new Date(now.getTime() + graceMs(input.grace));
  const previous = key.secrets.find((s) => s.supersededAt === null);
  const row = await db.$transaction(async (tx) => {
    // Secrets in an earlier grace period end now; the current one gets the new grace.
    await tx.keySecret.updateMany({
      where: { keyId: key.id, supersededAt: { not: null }, validUntil: { gt: now } },
      data: { validUntil: now },
    });
    await tx.keySecret.updateMany({ where: { keyId: key.id, supersededAt: null }, data: { supersededAt: now, validUntil } });
    await tx.keySecret.create({
      data: {
        id: newId("sec"),
        keyId: key.id,
        secretHash: secretHashFor(signingSecret, generated.secret),
        last4: generated.last4,
        createdAt: now,
      },
    });
    const updated = await tx.apiKey.update({
      where: { id: key.id },
      data: { displayPrefix: generated.displayPrefix, last4: generated.last4, updatedById: by.actor.id },
      include: keyDetailInclude,
    });
    await bumpKeysVersion(tx, by.orgId);
    await recordAudit(tx, {
      orgId: by.orgId,
      actor: by.actor,
      action: "key.rotated",
      target: { type: "key", id: key.id },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      at: now,
      data: {
        grace: input.grace,
        previousSecretValidUntil: validUntil.toISOString(),
        before: { last4: previous?.last4 ?? null },
        after: { last4: generated.last4 },
      },
    });
    await recordEvent(tx, {
      orgId: by.orgId,
      type: "key.rotated",
      payload: {
        key: keySummary(updated),
        grace: input.grace,
        previousSecretValidUntil: validUntil.toISOString(),
        actor: eventActor(by.actor),
      },
      at: now,
    });
    await alsoInTransaction?.(tx);
    return updated;
  });
  announceKeyChange({ orgId: by.orgId, keyId: key.id });
  return { key: toKeyView(row, now), secret: generated.secret };
}
