import type { UsageOutcome } from "./outcomes";

/** One verification, allowed or denied, as the recorder buffers it. Never holds a secret. */
export interface UsageEventInput {
  /** "" when the secret matched no key (the organization is unknown then). */
  orgId: string;
  keyId: string;
  at: Date;
  outcome: UsageOutcome;
  action: string | null;
  resource: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const USAGE_IP_MAX = 64;
export const USAGE_USER_AGENT_MAX = 256;

/**
 * Buffered events, flat: EVENT_FIELDS values per event in the order orgId, keyId, at (epoch ms), outcome,
 * action, resource, ip, userAgent. Pushing primitives costs the request thread next to nothing, and an array
 * of primitives is the cheapest thing to post to the writer thread.
 */
export type UsageBatch = (string | number | null)[];
export const EVENT_FIELDS = 8;

export function appendEvent(batch: UsageBatch, e: UsageEventInput): void {
  batch.push(e.orgId, e.keyId, e.at.getTime(), e.outcome, e.action, e.resource, e.ip, e.userAgent);
}

export function eventCount(batch: UsageBatch): number {
  return batch.length / EVENT_FIELDS;
}

export function eventsOf(batch: UsageBatch): UsageEventInput[] {
  const events: UsageEventInput[] = [];
  for (let i = 0; i < batch.length; i += EVENT_FIELDS) {
    events.push({
      orgId: batch[i] as string,
      keyId: batch[i + 1] as string,
      at: new Date(batch[i + 2] as number),
      outcome: batch[i + 3] as UsageOutcome,
      action: batch[i + 4] as string | null,
      resource: batch[i + 5] as string | null,
      ip: batch[i + 6] as string | null,
      userAgent: batch[i + 7] as string | null,
    });
  }
  return events;
}
