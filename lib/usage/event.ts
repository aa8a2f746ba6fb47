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
 * action, resource, ip, userAgent, at most CHUNK_EVENTS events per chunk. Pushing primitives costs the
 * request thread next to nothing, an array of primitives is the cheapest thing to post to the writer thread,
 * and a chunk stays small enough for V8's young generation (a bigger array lives until a full GC).
 */
export type UsageChunk = (string | number | null)[];
export const EVENT_FIELDS = 8;
export const CHUNK_EVENTS = 256;

export function appendEvent(chunk: UsageChunk, e: UsageEventInput): void {
  chunk.push(e.orgId, e.keyId, e.at.getTime(), e.outcome, e.action, e.resource, e.ip, e.userAgent);
}

export function eventsOf(chunks: readonly UsageChunk[]): UsageEventInput[] {
  const events: UsageEventInput[] = [];
  for (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i += EVENT_FIELDS) {
      events.push({
        orgId: chunk[i] as string,
        keyId: chunk[i + 1] as string,
        at: new Date(chunk[i + 2] as number),
        outcome: chunk[i + 3] as UsageOutcome,
        action: chunk[i + 4] as string | null,
        resource: chunk[i + 5] as string | null,
        ip: chunk[i + 6] as string | null,
        userAgent: chunk[i + 7] as string | null,
      });
    }
  }
  return events;
}
