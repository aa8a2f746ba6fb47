import type { Db } from "./db/client";

export type AuditActor =
  | { type: "user"; id: string; label: string }
  | { type: "key"; id: string; label: string }
  | { type: "system"; id?: undefined; label: string };

export interface AuditInput {
  orgId: string;
  actor: AuditActor;
  action: string;
  target?: { type: string; id: string };
  ip?: string | null;
  userAgent?: string | null;
  data?: Record<string, unknown>;
  at?: Date;
}

type AuditWriter = Pick<Db, "auditEvent">;

// Append-only by construction: this module is the only writer and it only ever inserts.
export async function recordAudit(db: AuditWriter, event: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      orgId: event.orgId,
      at: event.at ?? new Date(),
      actorType: event.actor.type,
      actorId: event.actor.id ?? null,
      actorLabel: event.actor.label,
      action: event.action,
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      ip: event.ip?.slice(0, 64) ?? null,
      userAgent: event.userAgent?.slice(0, 256) ?? null,
      data: JSON.stringify(event.data ?? {}),
    },
  });
}
