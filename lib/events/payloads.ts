import type { AuditActor } from "../audit";

// The JSON payloads of the console's change events (README, "Events"). Built from what the console shows anyway:
// never a secret, a secret's last characters, a hash or a sealed value.

export interface EventActor {
  type: AuditActor["type"];
  id: string | null;
  label: string;
}

export function eventActor(actor: AuditActor): EventActor {
  return { type: actor.type, id: actor.id ?? null, label: actor.label };
}

interface KeyRowForEvent {
  id: string;
  name: string;
  environment: string;
  expiresAt: Date | null;
  owner: string | null;
  createdById?: string | null;
}

export function keySummary(key: KeyRowForEvent) {
  return {
    id: key.id,
    name: key.name,
    environment: key.environment,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    owner: key.owner,
    createdById: key.createdById ?? null,
  };
}

/** A member acting in the console (member and policy changes). */
export function memberEventActor(by: { userId: string; email: string }): EventActor {
  return { type: "user", id: by.userId, label: by.email };
}
