import { getDb } from "../db/client";
import { schedulePruning } from "../usage/prune";
import { scheduleDetections } from "./detect-expiry";
import { emailConfigFromEnv } from "../email/config";
import { smtpSender } from "../email/deliver";
import { errorMessage } from "../error-message";
import { log } from "../log";
import { repeatedFailure } from "../log/repeated";
import { dispatcherOptionsFromEnv, startDispatcher } from "./dispatcher";

function emailFromEnv(timeoutMs: number | undefined) {
  try {
    const config = emailConfigFromEnv();
    return config ? { config, sender: smtpSender(config, timeoutMs ?? 10_000) } : null;
  } catch (error) {
    log.error(`alert email is off: ${errorMessage(error)}`);
    return null;
  }
}

/**
 * The background jobs (outbox dispatch, expiry scan, usage pruning). Run in the console's thread
 * (instrumentation.ts) on the console's database client. Not a client of its own: on
 * SQLite two connections in one thread deadlock until the busy timeout (one holds a transaction open across an
 * await while the other waits for the lock, synchronously), and the console's first write after a start got 503.
 * One client serializes their transactions.
 */
export function runBackgroundJobs({ dispatch }: { dispatch: boolean }) {
  const db = getDb();
  // The periodic writers, here rather than beside verification (server.ts says why).
  const stopDetections = scheduleDetections(db);
  const stopPruning = schedulePruning(db);
  const dispatcher = dispatch ? startDispatching(db) : null;
  return {
    async stop() {
      stopDetections();
      stopPruning();
      await dispatcher?.stop();
    },
  };
}

function startDispatching(db: ReturnType<typeof getDb>) {
  const failures = repeatedFailure("Webhook and notification dispatch");
  const options = dispatcherOptionsFromEnv();
  const email = emailFromEnv(options.timeoutMs);
  const dispatcher = startDispatcher(db, {
    ...options,
    email,
    intervalMs: Number(process.env.KEYWARD_WEBHOOK_POLL_MS || 1000),
    onError: (error) => failures.fail(error),
    onSuccess: () => failures.recovered(),
  });
  return {
    async stop() {
      await dispatcher.stop();
      email?.sender.close();
    },
  };
}
