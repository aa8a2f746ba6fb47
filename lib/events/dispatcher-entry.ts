import { createDb } from "../db/client";
import { repeatedFailure } from "../log/repeated";
import { dispatcherOptionsFromEnv, startDispatcher } from "./dispatcher";

/** Runs in the console's thread (instrumentation.ts), with a database client of its own. */
export function runDispatcher() {
  const db = createDb();
  const failures = repeatedFailure("Webhook and notification dispatch");
  const dispatcher = startDispatcher(db, {
    ...dispatcherOptionsFromEnv(),
    intervalMs: Number(process.env.KEYWARD_WEBHOOK_POLL_MS || 1000),
    onError: (error) => failures.fail(error),
    onSuccess: () => failures.recovered(),
  });
  return {
    async stop() {
      await dispatcher.stop();
      await db.$disconnect();
    },
  };
}
