export const HOUR_MS = 3_600_000;

/**
 * For a test against a Keyward server on the real clock (no clock can be handed to another process) that
 * counts requests in one rate-limit window: run it as a beforeEach hook, whose timeout is its own. When less
 * than the test's whole timeout (and a second) is left in the current window of `windowMs`, it waits for the
 * next one. The test then ends, passed, failed or timed out, before its window turns, however slow the machine.
 * A window of an hour also covers windows of a minute or a day: each of their boundaries is an hour's.
 */
export async function roomInWindow(windowMs: number, testTimeoutMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left <= testTimeoutMs + 1000) await new Promise((resolve) => setTimeout(resolve, left + 20));
}
