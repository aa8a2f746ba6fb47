// Every event Keyward emits through its outbox, and the channels that carry them (webhooks, email, the console's
// notifications). Payloads are JSON objects documented in README ("Events"); none ever holds a secret, a hash or a
// sealed value.
export const EVENT_TYPES = [
  "key.created",
  "key.updated",
  "key.rotated",
  "key.revoked",
  "key.disabled",
  "key.enabled",
  "key.expiring",
  "key.expired",
  "key.used_after_revoke",
  "key.new_address",
  "key.denial_burst",
  "leak.reported",
  "leak.revoked",
  "honeytoken.triggered",
  "member.invited",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "policy.updated",
  "webhook.disabled",
  // Sent from the console ("send test event") to one endpoint; not fanned out, notifies nobody.
  "webhook.test",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export interface EventInput {
  orgId: string;
  type: EventType;
  payload: Record<string, unknown>;
  at?: Date;
}
