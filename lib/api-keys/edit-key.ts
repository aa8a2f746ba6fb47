import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import type { Db } from "../db/client";
import { eventActor, keySummary } from "../events/payloads";
import { recordEvent } from "../events/record";
import { newId } from "../ids";
import { normalizeEditKeyInput, type EditKeyValues } from "../validations/key";
import type { KeyActor } from "./actor";
import { assertNameFree, expiryFieldError, isUniqueViolation, KEY_NAME_TAKEN } from "./create-key";
import { announceKeyChange, bumpKeysVersion } from "./key-changes";
import { assertNotRevoked, loadOrgKey } from "./load-key";
import { readKeyPolicy } from "../orgs/key-policy";
import { policyViolations, violationsOfEdit } from "./policy";
import { refuseForPolicy } from "./policy-refusal";
import { searchableName } from "./search-name";
import { keyDetailInclude, limitsView, parseMeta, toKeyView, type KeyView } from "./serialize";
import { hasRateLimit, limitColumns } from "../ratelimits/key-limits";

type Changes = Record<string, unknown>;

function sameJson(a: unknown, b: unknown) {
  return JSON.stringify(a) === JSON.stringify(b);
}

export async function editKey(db: Db, by: KeyActor, input: EditKeyValues, now = new Date()): Promise<{ key: KeyView; warnings: string[] }> {
  const key = await loadOrgKey(db, by.orgId, input.keyId);
  assertNotRevoked(key);
  let normalized;
  try {
    normalized = normalizeEditKeyInput(input, now);
  } catch (error) {
    expiryFieldError(error);
  }
  const { changes, warnings } = normalized;
  const limits = changes.limits ? await limitColumns(db, by.orgId, changes.limits, now, key) : {};
  const tierName = limits.tierId === undefined ? undefined : limits.tierId === null ? null : changes.limits!.tier!;
  const currentLimits = limitsView(key);
  const nextLimits = limitsView({
    ...key,
    ...limits,
    tier: tierName === undefined ? key.tier : tierName === null ? null : { name: tierName },
  });
  const current = {
    name: key.name,
    description: key.description,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    scopes: key.scopes.map((s) => ({ action: s.action, resourceFilter: s.resourceFilter })),
    cidrs: key.cidrs.map((c) => c.cidr),
    owner: key.owner,
    tags: key.tags.map((t) => t.tag).sort(),
    meta: parseMeta(key.meta),
    rateLimits: currentLimits.rateLimits,
    tier: currentLimits.tier,
    quota: currentLimits.quota,
    refill: currentLimits.refill,
    quotaSetAt: currentLimits.quotaSetAt,
  };
  const { limits: _limits, ...plainChanges } = changes;
  const next = {
    ...current,
    ...plainChanges,
    rateLimits: nextLimits.rateLimits,
    tier: nextLimits.tier,
    quota: nextLimits.quota,
    refill: nextLimits.refill,
    quotaSetAt: nextLimits.quotaSetAt,
    ...(changes.expiresAt !== undefined ? { expiresAt: changes.expiresAt?.toISOString() ?? null } : {}),
    ...(changes.meta !== undefined ? { meta: parseMeta(changes.meta) } : {}),
  };
  const before: Changes = {};
  const after: Changes = {};
  for (const field of Object.keys(current) as (keyof typeof current)[]) {
    if (!sameJson(current[field], next[field])) {
      before[field] = current[field];
      after[field] = next[field];
    }
  }
  if (Object.keys(after).length === 0) return { key: toKeyView(key, now), warnings };

  const violations = policyViolations(
    await readKeyPolicy(db, by.orgId),
    {
      expiresAt: next.expiresAt ? new Date(next.expiresAt) : null,
      scopes: next.scopes as KeyView["scopes"],
      cidrs: next.cidrs,
      owner: next.owner,
      rateLimited: await hasRateLimit(db, limits.rateLimits ?? key.rateLimits, limits.tierId !== undefined ? limits.tierId : key.tierId),
    },
    now,
  );
  const relevant = violationsOfEdit(violations, (field) => field in after);
  if (Object.keys(relevant).length > 0) await refuseForPolicy(db, by, "update", { type: "key", id: key.id }, relevant);
  if ("name" in after) await assertNameFree(db, by.orgId, next.name, key.id);

  try {
    const row = await db.$transaction(async (tx) => {
      if (changes.scopes) {
        await tx.keyScope.deleteMany({ where: { keyId: key.id } });
        await tx.keyScope.createMany({
          data: changes.scopes.map((s, position) => ({ id: newId("scp"), keyId: key.id, position, ...s })),
        });
      }
      if (changes.cidrs) {
        await tx.keyCidr.deleteMany({ where: { keyId: key.id } });
        await tx.keyCidr.createMany({
          data: changes.cidrs.map((cidr) => ({ id: newId("cid"), keyId: key.id, cidr, family: cidr.includes(":") ? 6 : 4 })),
        });
      }
      if (changes.tags) {
        await tx.keyTag.deleteMany({ where: { keyId: key.id } });
        await tx.keyTag.createMany({ data: changes.tags.map((tag) => ({ keyId: key.id, orgId: by.orgId, tag })) });
      }
      const updated = await tx.apiKey.update({
        where: { id: key.id },
        data: {
          name: changes.name,
          searchName: changes.name === undefined ? undefined : searchableName(changes.name),
          description: changes.description,
          expiresAt: changes.expiresAt,
          owner: changes.owner,
          searchOwner: changes.owner === undefined ? undefined : searchableName(changes.owner ?? ""),
          meta: changes.meta,
          ...limits,
          updatedById: by.actor.id,
        },
        include: keyDetailInclude,
      });
      await bumpKeysVersion(tx, by.orgId);
      await recordAudit(tx, {
        orgId: by.orgId,
        actor: by.actor,
        action: "key.updated",
        target: { type: "key", id: key.id },
        ip: by.meta.ip,
        userAgent: by.meta.userAgent,
        at: now,
        data: { before, after },
      });
      await recordEvent(tx, {
        orgId: by.orgId,
        type: "key.updated",
        payload: { key: keySummary(updated), changed: Object.keys(after), before, after, actor: eventActor(by.actor) },
        at: now,
      });
      return updated;
    });
    announceKeyChange({ orgId: by.orgId, keyId: key.id });
    return { key: toKeyView(row, now), warnings };
  } catch (error) {
    if (isUniqueViolation(error)) throw new DomainError("CONFLICT", KEY_NAME_TAKEN, { name: KEY_NAME_TAKEN });
    throw error;
  }
}
