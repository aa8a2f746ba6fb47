import type { Db } from "./db/client";
import { recordAudit, type AuditInput } from "./audit";

// Refusals and failed sign-ins are audited without letting a script flood the log: identical events (same
// organization, actor, action, outcome, target and details) within one clock minute are collapsed in memory.
// The first is inserted at once (count 1), so it is visible immediately; the repeats of that minute are
// inserted as one more row with their count when the minute is over. Rows are only ever inserted, never
// updated (the audit table is append-only). Repeats still pending are written when the server stops (SIGTERM);
// on a crash they are lost, the first of each minute never is.

const MINUTE_MS = 60_000;

interface Pending {
  db: Pick<Db, "auditEvent">;
  event: AuditInput;
  minute: number;
  repeats: number;
}

// Process-wide (per thread): Next bundles this module once per layer (route handlers, pages and actions), and
// every copy must collapse into, and flush, the same groups.
interface RefusalState {
  pending: Map<string, Pending>;
  timer: ReturnType<typeof setTimeout> | null;
}
const refusalGlobal = globalThis as { keywardRefusals?: RefusalState };
const shared: RefusalState = (refusalGlobal.keywardRefusals ??= { pending: new Map<string, Pending>(), timer: null });
const pending = shared.pending;

function identity(event: AuditInput, minute: number): string {
  const { actor, target } = event;
  return JSON.stringify([
    minute,
    event.orgId,
    actor.type,
    actor.id ?? actor.label,
    event.action,
    event.outcome,
    target?.type,
    target?.id,
    event.data,
  ]);
}

function schedule(now: number) {
  if (shared.timer) return;
  const wait = MINUTE_MS - (now % MINUTE_MS) + 50;
  shared.timer = setTimeout(() => {
    shared.timer = null;
    void flushCollapsedRefusals().catch(() => {});
  }, wait);
  shared.timer.unref?.();
}

/** Records a refusal or failure, collapsing identical ones per minute per actor. Returns whether a row was inserted now. */
export async function recordRefusal(db: Pick<Db, "auditEvent">, event: AuditInput, now = new Date()): Promise<boolean> {
  const minute = Math.floor(now.getTime() / MINUTE_MS);
  const key = identity(event, minute);
  const seen = pending.get(key);
  if (seen) {
    seen.repeats++;
    schedule(now.getTime());
    return false;
  }
  pending.set(key, { db, event, minute, repeats: 0 });
  schedule(now.getTime());
  await recordAudit(db, { ...event, at: now, data: { ...event.data, count: 1 } });
  return true;
}

/**
 * Inserts one row per collapsed group of minutes that are over (all of them with `all`), with the number of
 * repeats as its count, stamped at the end of its minute.
 */
export async function flushCollapsedRefusals({ now = new Date(), all = false } = {}): Promise<number> {
  const current = Math.floor(now.getTime() / MINUTE_MS);
  let written = 0;
  for (const [key, group] of [...pending]) {
    if (!all && group.minute >= current) continue;
    pending.delete(key);
    if (group.repeats === 0) continue;
    const at = new Date(Math.min((group.minute + 1) * MINUTE_MS - 1, now.getTime()));
    await recordAudit(group.db, { ...group.event, at, data: { ...group.event.data, count: group.repeats, repeated: true } });
    written++;
  }
  if (pending.size > 0) schedule(now.getTime());
  return written;
}

// Keyward's shutdown (server/next-worker.mjs, in the thread that runs Next and so this module) writes the
// repeats still collapsed here before the thread ends. A global: Next's bundle holds its own copy of this module.
(globalThis as { keywardFlushRefusals?: () => Promise<number> }).keywardFlushRefusals = () => flushCollapsedRefusals({ all: true });
