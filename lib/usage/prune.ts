import { errorMessage } from "../error-message";
import { log } from "../log";
import type { Db } from "../db/client";

export const DEFAULT_USAGE_RETENTION_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

/** KEYWARD_USAGE_RETENTION_DAYS (whole days ≥ 1), else 90. Rollups are kept forever. */
export function usageRetentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const days = Number(env.KEYWARD_USAGE_RETENTION_DAYS);
  return Number.isInteger(days) && days >= 1 ? days : DEFAULT_USAGE_RETENTION_DAYS;
}

export interface PruneOptions {
  retentionDays?: number;
  batchSize?: number;
  /** Pause between batches so verifications and flushes get the database (and, on SQLite, the thread). */
  pauseMs?: number;
  now?: Date;
}

/**
 * Deletes raw usage events older than the retention period, a small batch at a time (the `at` index finds
 * them), so the writer lock is never held for long. Returns how many were deleted.
 */
export async function pruneUsageEvents(db: Db, options: PruneOptions = {}): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  const cutoff = new Date((options.now ?? new Date()).getTime() - (options.retentionDays ?? usageRetentionDays()) * DAY_MS);
  let total = 0;
  for (;;) {
    const old = await db.usageEvent.findMany({
      where: { at: { lt: cutoff } },
      select: { id: true },
      orderBy: { at: "asc" },
      take: batchSize,
    });
    if (old.length === 0) return total;
    const { count } = await db.usageEvent.deleteMany({ where: { id: { in: old.map((e) => e.id) } } });
    total += count;
    if (old.length < batchSize) return total;
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 20));
  }
}

/** Prunes once shortly after start, then every `everyMs`; the timers never keep the process alive. */
export function schedulePruning(db: Db, everyMs = 60 * 60 * 1000, onError?: (error: unknown) => void): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    pruneUsageEvents(db)
      .catch((error) => (onError ?? ((e) => log.error(`usage: pruning failed: ${errorMessage(e)}`)))(error))
      .finally(() => {
        running = false;
      });
  };
  const first = setTimeout(run, 30_000);
  const every = setInterval(run, everyMs);
  first.unref();
  every.unref();
  return () => {
    clearTimeout(first);
    clearInterval(every);
  };
}
