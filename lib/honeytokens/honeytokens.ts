import { recordAudit } from "../audit";
import { announceKeyChange } from "../api-keys/key-changes";
import { orgWithSigningSecret, secretHashFor } from "../api-keys/signing";
import type { Db } from "../db/client";
import { DomainError } from "../errors";
import { recordEvent } from "../events/record";
import { newId } from "../ids";
import { displaySecret, generateSecret } from "../keys";
import { recordMemberAudit, type MemberActor } from "../members/actor";
import type { PlantHoneytokenInput, RemoveHoneytokenInput } from "../validations/honeytoken";

export interface HoneytokenView {
  id: string;
  name: string;
  display: string;
  createdAt: string;
  createdByLabel: string;
  triggerCount: number;
  lastTriggeredAt: string | null;
  lastTriggeredIp: string | null;
  lastTriggeredUserAgent: string | null;
  lastTriggeredResource: string | null;
}

interface HoneytokenRow {
  id: string;
  name: string;
  displayPrefix: string;
  last4: string;
  createdAt: Date;
  createdByLabel: string;
  triggerCount: number;
  lastTriggeredAt: Date | null;
  lastTriggeredIp: string | null;
  lastTriggeredUserAgent: string | null;
  lastTriggeredResource: string | null;
}

function toView(row: HoneytokenRow): HoneytokenView {
  return {
    id: row.id,
    name: row.name,
    display: displaySecret(row.displayPrefix, row.last4),
    createdAt: row.createdAt.toISOString(),
    createdByLabel: row.createdByLabel,
    triggerCount: row.triggerCount,
    lastTriggeredAt: row.lastTriggeredAt?.toISOString() ?? null,
    lastTriggeredIp: row.lastTriggeredIp,
    lastTriggeredUserAgent: row.lastTriggeredUserAgent,
    lastTriggeredResource: row.lastTriggeredResource,
  };
}

export async function listHoneytokens(db: Db, orgId: string): Promise<HoneytokenView[]> {
  const rows = await db.honeytoken.findMany({ where: { orgId }, orderBy: [{ createdAt: "desc" }, { id: "asc" }] });
  return rows.map(toView);
}

/**
 * A canary: a secret made exactly as a live key's (same prefix, environment, length and checksum), stored only as
 * its hash in a table of its own, so it never verifies and no key list, count or edit can reach it.
 */
export async function plantHoneytoken(db: Db, by: MemberActor, input: PlantHoneytokenInput, now = new Date()) {
  const found = await orgWithSigningSecret(db, by.orgId);
  if (!found) throw new DomainError("NOT_FOUND", "Organization not found");
  const generated = generateSecret({ prefix: found.org.keyPrefix, env: "live" });
  const row = await db.$transaction(async (tx) => {
    const created = await tx.honeytoken.create({
      data: {
        id: newId("hny"),
        orgId: by.orgId,
        name: input.name,
        secretHash: secretHashFor(found.signingSecret, generated.secret),
        displayPrefix: generated.displayPrefix,
        last4: generated.last4,
        createdAt: now,
        createdById: by.userId,
        createdByLabel: by.email,
      },
    });
    await recordMemberAudit(tx, by, {
      action: "honeytoken.planted",
      target: { type: "honeytoken", id: created.id },
      at: now,
      data: { name: created.name, secret: displaySecret(created.displayPrefix, created.last4) },
    });
    return created;
  });
  // The verification path watches for canaries through the same seam as key changes.
  announceKeyChange({ orgId: by.orgId, keyId: row.id });
  return { honeytoken: toView(row), secret: generated.secret };
}

export async function removeHoneytoken(db: Db, by: MemberActor, input: RemoveHoneytokenInput) {
  const row = await db.honeytoken.findFirst({ where: { id: input.honeytokenId, orgId: by.orgId } });
  if (!row) throw new DomainError("NOT_FOUND", "Canary not found");
  await db.$transaction(async (tx) => {
    await tx.honeytoken.delete({ where: { id: row.id } });
    await recordMemberAudit(tx, by, {
      action: "honeytoken.removed",
      target: { type: "honeytoken", id: row.id },
      data: { name: row.name, secret: displaySecret(row.displayPrefix, row.last4), triggerCount: row.triggerCount },
    });
  });
  announceKeyChange({ orgId: by.orgId, keyId: row.id });
  return { id: row.id };
}

export interface HoneytokenPresentation {
  honeytokenId: string;
  orgId: string;
  ip: string | null;
  userAgent: string | null;
  action: string | null;
  resource: string | null;
  at: Date;
}

/** A canary was presented: counted on it, audited, and raised as honeytoken.triggered, in one transaction. */
export async function recordHoneytokenTrigger(db: Db, seen: HoneytokenPresentation): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.honeytoken.updateMany({
      where: { id: seen.honeytokenId, orgId: seen.orgId },
      data: {
        triggerCount: { increment: 1 },
        lastTriggeredAt: seen.at,
        lastTriggeredIp: seen.ip,
        lastTriggeredUserAgent: seen.userAgent,
        lastTriggeredResource: seen.resource,
      },
    });
    // Removed meanwhile: nothing to raise.
    if (count === 0) return false;
    const row = await tx.honeytoken.findUniqueOrThrow({ where: { id: seen.honeytokenId } });
    const details = {
      honeytokenId: row.id,
      name: row.name,
      secret: displaySecret(row.displayPrefix, row.last4),
      ip: seen.ip,
      userAgent: seen.userAgent,
      action: seen.action,
      resource: seen.resource,
      at: seen.at.toISOString(),
    };
    await recordAudit(tx, {
      orgId: seen.orgId,
      actor: { type: "anonymous", label: `Whoever holds canary “${row.name}”` },
      action: "honeytoken.triggered",
      outcome: "denied",
      target: { type: "honeytoken", id: row.id },
      ip: seen.ip,
      userAgent: seen.userAgent,
      at: seen.at,
      data: details,
    });
    // Events leave Keyward (webhooks, email): they name the canary, never any part of its secret (the audit row may).
    const { secret: _display, ...payload } = details;
    await recordEvent(tx, { orgId: seen.orgId, type: "honeytoken.triggered", payload, at: seen.at });
    return true;
  });
}
