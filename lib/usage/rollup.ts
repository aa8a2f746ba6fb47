// Pure aggregation from raw usage events to the hourly rollups the charts read. The recorder and the
// demo seeder both go through rollupsFromEvents, so "a rollup's count = the number of its raw events"
// holds by construction (tests/usage/rollup-invariant.test.ts pins it against the database).
export const HOUR_MS = 60 * 60 * 1000;

/** The start of the UTC hour containing `at`. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

export interface RollupEvent {
  orgId: string;
  keyId: string;
  at: Date;
  outcome: string;
}

export interface RollupRow {
  orgId: string;
  keyId: string;
  hour: Date;
  outcome: string;
  count: number;
}

/** One row per (org, key, UTC hour, outcome) with the number of events in it; ordered by hour, then key. */
export function rollupsFromEvents(events: Iterable<RollupEvent>): RollupRow[] {
  const rows = new Map<string, RollupRow>();
  for (const event of events) {
    const hour = hourOf(event.at);
    const id = `${event.orgId}\u0000${event.keyId}\u0000${hour.getTime()}\u0000${event.outcome}`;
    const row = rows.get(id);
    if (row) row.count += 1;
    else rows.set(id, { orgId: event.orgId, keyId: event.keyId, hour, outcome: event.outcome, count: 1 });
  }
  return [...rows.values()].sort(
    (a, b) =>
      a.hour.getTime() - b.hour.getTime() || (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0) || (a.outcome < b.outcome ? -1 : 1),
  );
}
