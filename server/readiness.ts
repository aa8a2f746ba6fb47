import { assertDatabaseReady, DatabaseNotReadyError } from "../lib/db/health";
import type { Db } from "../lib/db/client";
import { log } from "../lib/log";
import type { UsageRecorderStats } from "../lib/usage/recorder";

export type NotReadyReason =
  "shutting_down" | "database_unreachable" | "migrations_pending" | "usage_writer_stalled" | "usage_backlog_over_threshold";

export interface ReadinessReport {
  ready: boolean;
  reason?: NotReadyReason;
  checks: { database: "ok" | NotReadyReason; usageWriter: "ok" | NotReadyReason };
  usageBacklog: number;
}

export interface ReadinessOptions {
  db: Db;
  url: string;
  usage: () => UsageRecorderStats;
  /** Not ready past this many unwritten usage events (KEYWARD_READY_MAX_BACKLOG, default 50,000). */
  maxBacklog?: number;
  /** Not ready when events wait and none has been written for this long (default 10 s). */
  stallMs?: number;
  /** How long one database check answers every probe (default 1 s): a probe storm costs one query a second. */
  cacheMs?: number;
  timeoutMs?: number;
  now?: () => number;
}

/**
 * What /readyz answers: the database answers and has every committed migration, and the usage writer keeps
 * up (it has written something recently whenever events wait, and fewer than maxBacklog wait). Only the
 * database check costs a query, at most one per cacheMs whatever the number of probes; the usage figures are
 * read from memory on every probe.
 */
export function createReadiness(options: ReadinessOptions) {
  const maxBacklog = options.maxBacklog ?? (Number(process.env.KEYWARD_READY_MAX_BACKLOG) || 50_000);
  const stallMs = options.stallMs ?? 10_000;
  const cacheMs = options.cacheMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 2000;
  const now = options.now ?? Date.now;
  let database: { at: number; result: "ok" | NotReadyReason } | null = null;
  let checking: Promise<"ok" | NotReadyReason> | null = null;
  let progress = { done: -1, at: now() };
  let closing = false;
  let lastReason: NotReadyReason | undefined;

  function checkDatabase(maxAgeMs = cacheMs): Promise<"ok" | NotReadyReason> {
    if (database && now() - database.at < maxAgeMs) return Promise.resolve(database.result);
    checking ??= assertDatabaseReady(options.db, options.url, process.cwd(), timeoutMs)
      .then(
        () => "ok" as const,
        (error: unknown) => {
          const reason = error instanceof DatabaseNotReadyError ? error.reason : "database_unreachable";
          // Logged when readiness changes (below), with the message naming the database.
          if (reason !== lastReason) log.warn({ reason }, error instanceof Error ? error.message : String(error));
          return reason;
        },
      )
      .then((result) => {
        database = { at: now(), result };
        checking = null;
        return result;
      });
    return checking;
  }

  function checkUsage(): { result: "ok" | NotReadyReason; backlog: number } {
    const stats = options.usage();
    const done = stats.written + stats.dropped;
    if (done !== progress.done || stats.buffered === 0) progress = { done, at: now() };
    if (stats.buffered > maxBacklog) return { result: "usage_backlog_over_threshold", backlog: stats.buffered };
    if (now() - progress.at > stallMs) return { result: "usage_writer_stalled", backlog: stats.buffered };
    return { result: "ok", backlog: stats.buffered };
  }

  return {
    /** Not ready from now on: load balancers stop sending new requests while the server drains. */
    close() {
      closing = true;
    },
    /** Whether the database is unreachable now (a result at most maxAgeMs old), e.g. to explain a failed page. */
    async databaseDown(maxAgeMs = 250): Promise<boolean> {
      return (await checkDatabase(maxAgeMs)) === "database_unreachable";
    },
    async check(): Promise<ReadinessReport> {
      const usage = checkUsage();
      const db = await checkDatabase();
      const reason: NotReadyReason | undefined = closing
        ? "shutting_down"
        : db !== "ok"
          ? db
          : usage.result !== "ok"
            ? usage.result
            : undefined;
      if (reason !== lastReason) {
        if (reason === undefined) log.info("ready");
        else log.warn({ reason }, `not ready: ${reason}`);
        lastReason = reason;
      }
      return { ready: reason === undefined, reason, checks: { database: db, usageWriter: usage.result }, usageBacklog: usage.backlog };
    },
  };
}

export type Readiness = ReturnType<typeof createReadiness>;
