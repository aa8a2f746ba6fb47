import { createDb } from "../db/client";
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

/** Runs in the console's thread (instrumentation.ts), with a database client of its own. */
export function runDispatcher() {
  const db = createDb();
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
      await db.$disconnect();
    },
  };
}
