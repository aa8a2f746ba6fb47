import type { Db } from "./db/client";
import { recordAudit, type AuditInput } from "./audit";

// Refusals and failed sign-ins are audited without letting a script flood the log: identical events (same
// organization, actor, action, outcome, target and details) within a minute of the first of them are collapsed
// in memory. The first is inserted at once (count 1), so it is visible immediately; the repeats of its minute
// are inserted as one more row with their count when the minute is over, and the next one after that starts a
// new minute. The minute runs from the first event, not the clock's, so a burst is never split in two by a
// clock minute turning over. Rows are only ever inserted, never updated (the audit table is append-only).
// Repeats still pending are written when the server stops (SIGTERM); on a crash they are lost, the first of
// each minute never is.

const MINUTE_MS = 60_000;

interface Pending {
  db: Pick<Db, "auditEvent">;
  event: AuditInput;
  /** When the first event of the group was recorded (ms); the group collects repeats for a minute from then. */
  since: number;
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

function identity(event: AuditInput): string {
  const { actor, target } = event;
  return JSON.stringify([
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

// One timer, for the oldest group's minute: groups are added in time order, and each flush schedules the next.
function schedule(since: number, now: number) {
  if (shared.timer) return;
  const wait = Math.max(0, since + MINUTE_MS - now) + 50;
  shared.timer = setTimeout(() => {
    shared.timer = null;
    void flushCollapsedRefusals().catch(() => {});
  }, wait);
  shared.timer.unref?.();
}

/** Records a refusal or failure, collapsing identical ones per minute per actor. Returns whether a row was inserted now. */
export async function recordRefusal(db: Pick<Db, "auditEvent">, event: AuditInput, now = new Date()): Promise<boolean> {
  const at = now.getTime();
  const key = identity(event);
  const seen = pending.get(key);
  if (seen && at < seen.since + MINUTE_MS) {
    seen.repeats++;
    return false;
  }
  if (seen) {
    pending.delete(key);
    await writeRepeats(seen, now);
  }
  pending.set(key, { db, event, since: at, repeats: 0 });
  schedule(at, at);
  await recordAudit(db, { ...event, at: now, data: { ...event.data, count: 1 } });
  return true;
}

/** Inserts a group's repeats as one row with their count, stamped at the end of its minute (or now, if earlier). */
async function writeRepeats(group: Pending, now: Date): Promise<boolean> {
  if (group.repeats === 0) return false;
  const at = new Date(Math.min(group.since + MINUTE_MS - 1, now.getTime()));
  await recordAudit(group.db, { ...group.event, at, data: { ...group.event.data, count: group.repeats, repeated: true } });
  return true;
}

/** Inserts one row per collapsed group whose minute is over (every group with `all`). Returns the rows written. */
export async function flushCollapsedRefusals({ now = new Date(), all = false } = {}): Promise<number> {
  const at = now.getTime();
  let written = 0;
  for (const [key, group] of [...pending]) {
    if (!all && at < group.since + MINUTE_MS) continue;
    pending.delete(key);
    if (await writeRepeats(group, now)) written++;
  }
  const oldest = pending.values().next();
  if (!oldest.done) schedule(oldest.value.since, at);
  return written;
}

// Keyward's shutdown (server/next-worker.mjs, in the thread that runs Next and so this module) writes the
// repeats still collapsed here before the thread ends. A global: Next's bundle holds its own copy of this module.
(globalThis as { keywardFlushRefusals?: () => Promise<number> }).keywardFlushRefusals = () => flushCollapsedRefusals({ all: true });
