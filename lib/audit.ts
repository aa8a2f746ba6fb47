import type { Db } from "./db/client";

export type AuditActor =
  | { type: "user"; id: string; label: string }
  | { type: "key"; id: string; label: string }
  | { type: "system"; id?: undefined; label: string }
  // A sign-in attempt for an email address that has no account; the label is the address as normalized.
  | { type: "anonymous"; id?: undefined; label: string };

export const AUDIT_OUTCOMES = ["success", "denied", "failed"] as const;
/** success: it happened; denied: refused for want of a right (role, scope, address, a dead key); failed: wrong credentials. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export interface AuditInput {
  orgId: string;
  actor: AuditActor;
  action: string;
  /** Defaults to success. */
  outcome?: AuditOutcome;
  target?: { type: string; id: string };
  ip?: string | null;
  userAgent?: string | null;
  data?: Record<string, unknown>;
  at?: Date;
}

type AuditWriter = Pick<Db, "auditEvent">;

// Append-only by construction: this module (and lib/audit-refusals.ts through it) is the only writer and it only
// ever inserts.
export async function recordAudit(db: AuditWriter, event: AuditInput): Promise<void> {
  await db.auditEvent.create({
    data: {
      orgId: event.orgId,
      at: event.at ?? new Date(),
      actorType: event.actor.type,
      actorId: event.actor.id ?? null,
      actorLabel: event.actor.label,
      action: event.action,
      outcome: event.outcome ?? "success",
      targetType: event.target?.type ?? null,
      targetId: event.target?.id ?? null,
      ip: event.ip?.slice(0, 64) ?? null,
      userAgent: event.userAgent?.slice(0, 256) ?? null,
      data: JSON.stringify(event.data ?? {}),
    },
  });
}
