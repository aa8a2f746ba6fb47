import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import { eventActor, keySummary } from "../events/payloads";
import { recordEvent } from "../events/record";
import { newId } from "../ids";
import { generateSecret, InvalidExpiryError, newPublicId } from "../keys";
import { normalizeCreateKeyInput, type CreateKeyValues } from "../validations/key";
import { hasRateLimit, limitColumns } from "../ratelimits/key-limits";
import type { KeyActor } from "./actor";
import { announceKeyChange, bumpKeysVersion } from "./key-changes";
import { policyViolations } from "./policy";
import { refuseForPolicy } from "./policy-refusal";
import { searchableName } from "./search-name";
import { keyDetailInclude, limitsView, parseMeta, toKeyView, type KeyView } from "./serialize";
import { orgWithSigningSecret, secretHashFor } from "./signing";

export const KEY_NAME_TAKEN = "Key name taken";

export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "P2002";
}

export async function assertNameFree(db: Db, orgId: string, name: string, exceptKeyId?: string) {
  const clash = await db.apiKey.findFirst({
    where: { orgId, name, revokedAt: null, ...(exceptKeyId ? { NOT: { id: exceptKeyId } } : {}) },
    select: { id: true },
  });
  if (clash) throw new DomainError("CONFLICT", KEY_NAME_TAKEN, { name: KEY_NAME_TAKEN });
}

export function expiryFieldError(error: unknown): never {
  if (error instanceof InvalidExpiryError) throw new DomainError("VALIDATION", error.message, { "expiry.customAt": error.message });
  throw error;
}

export interface CreatedKey {
  key: KeyView;
  /** The only time the secret exists outside the caller's hands. */
  secret: string;
  warnings: string[];
}

export async function createKey(db: Db, by: KeyActor, input: CreateKeyValues, now = new Date()): Promise<CreatedKey> {
  const found = await orgWithSigningSecret(db, by.orgId);
  if (!found) throw new DomainError("NOT_FOUND", "Organization not found");
  const { org, signingSecret } = found;
  let values;
  try {
    values = normalizeCreateKeyInput(input, now);
  } catch (error) {
    expiryFieldError(error);
  }
  const limits = await limitColumns(db, org.id, values.limits, now);
  const rateLimited = await hasRateLimit(db, limits.rateLimits ?? "[]", limits.tierId ?? null);
  const violations = policyViolations(org, { ...values, rateLimited }, now);
  if (Object.keys(violations).length > 0) await refuseForPolicy(db, by, "create", undefined, violations);
  await assertNameFree(db, org.id, values.name);

  const generated = generateSecret({ prefix: org.keyPrefix, env: values.environment });
  const keyId = newPublicId("key");
  try {
    const row = await db.$transaction(async (tx) => {
      const created = await tx.apiKey.create({
        data: {
          id: keyId,
          orgId: org.id,
          name: values.name,
          searchName: searchableName(values.name),
          description: values.description,
          environment: values.environment,
          displayPrefix: generated.displayPrefix,
          last4: generated.last4,
          createdAt: now,
          createdById: by.actor.id,
          createdByLabel: by.actor.label,
          expiresAt: values.expiresAt,
          owner: values.owner,
          searchOwner: searchableName(values.owner ?? ""),
          meta: values.meta,
          ...limits,
          tags: { create: values.tags.map((tag) => ({ orgId: org.id, tag })) },
          scopes: { create: values.scopes.map((s, position) => ({ id: newId("scp"), position, ...s })) },
          cidrs: { create: values.cidrs.map((cidr) => ({ id: newId("cid"), cidr, family: cidr.includes(":") ? 6 : 4 })) },
          secrets: {
            create: {
              id: newId("sec"),
              secretHash: secretHashFor(signingSecret, generated.secret),
              last4: generated.last4,
              createdAt: now,
            },
          },
        },
        include: keyDetailInclude,
      });
      await bumpKeysVersion(tx, org.id);
      await recordAudit(tx, {
        orgId: org.id,
        actor: by.actor,
        action: "key.created",
        target: { type: "key", id: keyId },
        ip: by.meta.ip,
        userAgent: by.meta.userAgent,
        at: now,
        data: {
          after: {
            name: values.name,
            description: values.description,
            environment: values.environment,
            expiresAt: values.expiresAt?.toISOString() ?? null,
            scopes: values.scopes,
            cidrs: values.cidrs,
            owner: values.owner,
            tags: values.tags,
            meta: parseMeta(values.meta),
            ...limitsView({ ...limits, tier: created.tier }),
          },
        },
      });
      await recordEvent(tx, {
        orgId: org.id,
        type: "key.created",
        payload: { key: keySummary(created), scopes: values.scopes, cidrs: values.cidrs, tags: values.tags, actor: eventActor(by.actor) },
        at: now,
      });
      return created;
    });
    announceKeyChange({ orgId: org.id, keyId });
    return { key: toKeyView(row, now), secret: generated.secret, warnings: values.warnings };
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("CONFLICT", KEY_NAME_TAKEN, { name: KEY_NAME_TAKEN });
    throw error;
  }
}
