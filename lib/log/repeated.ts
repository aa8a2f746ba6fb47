import { oneLine } from "./one-line";
import { log } from "./logger.mjs";

export interface RepeatedFailure {
  /** One failure: logged at once if it is the first since the last line, otherwise counted. */
  fail(error: unknown): void;
  /** It works again: one line saying so (and how many failures the last line did not report). */
  recovered(): void;
}

/**
 * A failure that repeats (the database gone: every batch, every poll, every verification that needs a read)
 * is one log line, then one line per interval with the count — never a line per attempt, never a stack.
 */
export function repeatedFailure(what: string, intervalMs = Number(process.env.KEYWARD_LOG_REPEAT_MS) || 10_000): RepeatedFailure {
  let failing = false;
  let unreported = 0;
  let total = 0;
  let lastMessage = "";
  let timer: NodeJS.Timeout | null = null;
  const flush = () => {
    if (unreported > 0) log.error({ failures: unreported }, `${what} failed ${unreported} more times since the last line: ${lastMessage}`);
    unreported = 0;
  };
  return {
    fail(error) {
      total += 1;
      lastMessage = oneLine(error);
      if (!failing) {
        failing = true;
        log.error(`${what} failed: ${lastMessage} (repeats are counted, one line per ${intervalMs / 1000} s)`);
        timer = setInterval(flush, intervalMs);
        timer.unref();
        return;
      }
      unreported += 1;
    },
    recovered() {
      if (!failing) return;
      if (timer) clearInterval(timer);
      timer = null;
      flush();
      log.info({ failures: total }, `${what} works again after ${total} failures`);
      failing = false;
      total = 0;
    },
  };
}
