const MINUTE_MS = 60_000;

/**
 * The clock a verify server under test decides at (startVerifyServer's `clock`): the real time plus an offset
 * that only the test moves, and only forward. Time keeps flowing, so everything that waits on the real clock
 * (the cache's poll, the limiter's sync) behaves as in production; what a test asserts about windows, quota
 * periods, expiry and grace is decided by where the test put the clock, not by when the machine got round to it.
 */
export class TestClock {
  private offset = 0;

  /** For startVerifyServer({ clock }). */
  readonly now = (): Date => new Date(this.ms());

  ms(): number {
    return Date.now() + this.offset;
  }

  /** Jumps `ms` ahead, as if that much time had passed. */
  advance(ms: number): void {
    if (ms < 0) throw new Error("a test clock only moves forward");
    this.offset += ms;
  }

  /**
   * Jumps to 1 s into the next minute of this clock. A test that starts there cannot reach the end of that
   * minute within its timeout (30 s), so none of its requests are split by the turn of a minute, an hour or a
   * day (every such boundary is a minute's), whatever rate-limit window of those lengths it counts in.
   */
  startOfNextMinute(): void {
    const now = this.ms();
    this.advance(MINUTE_MS - (now % MINUTE_MS) + 1000);
  }
}
