import { DomainError } from "../errors";
import type { KeyActor } from "../api-keys/actor";
import { recordAudit } from "../audit";
import type { Db } from "../db/client";
import { newId } from "../ids";
import { acceptanceEnd, type AcceptRiskValues } from "../validations/review";

/** Accepts one finding on one key until a date: the review hides it until then; the audit log keeps why and who. */
export async function acceptRisk(db: Db, by: KeyActor, input: AcceptRiskValues, now = new Date()) {
  const key = await db.apiKey.findFirst({ where: { id: input.keyId, orgId: by.orgId }, select: { id: true, name: true } });
  if (!key) throw new DomainError("NOT_FOUND", "Key not found");
  const until = acceptanceEnd(input.until);
  return db.$transaction(async (tx) => {
    const row = await tx.riskAcceptance.create({
      data: {
        id: newId("rsk"),
        orgId: by.orgId,
        keyId: key.id,
        code: input.code,
        justification: input.justification,
        until,
        createdAt: now,
        createdById: by.actor.id ?? null,
        createdByLabel: by.actor.label,
      },
    });
    await recordAudit(tx, {
      orgId: by.orgId,
      actor: by.actor,
      action: "review.risk_accepted",
      target: { type: "key", id: key.id },
      ip: by.meta.ip,
      userAgent: by.meta.userAgent,
      at: now,
      data: { name: key.name, finding: input.code, justification: input.justification, until: until.toISOString() },
    });
    return { id: row.id, until: until.toISOString() };
  });
}
