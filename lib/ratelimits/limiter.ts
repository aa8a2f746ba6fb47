import { repeatedFailure } from "../log/repeated";
import { LimitCounter, type Bucket, type LimitDecision } from "./counter";
import type { KeyPolicy } from "./policy";
import type { CounterStore } from "./store";

export interface RateLimiterOptions {
  /** How often local counts are added to the database and every instance's sum read back (KEYWARD_RATELIMIT_SYNC_MS). */
  syncMs?: number;
  /** Several instances count into the database (PostgreSQL); false on SQLite, where one instance serves. */
  shared?: boolean;
  onError?: (error: unknown) => void;
  /** Epoch ms now (default Date.now): the verify path's clock, so that syncs and decisions agree on the periods. */
  clock?: () => number;
}

export const DEFAULT_SYNC_MS = 100;
const PRUNE_EVERY_MS = 60_000;

/**
 * The limiter the verify path asks: decisions from memory (LimitCounter), reconciled with the database in the
 * background every syncMs. A verification waits on the database only when its counter's count is unknown
 * here: the first use of a period that began before this instance knew it (after a restart: so the limit
 * survives it) and, shared, a key not used here for a while. Keys in use are answered from memory.
 */
export class RateLimiter {
  readonly counter: LimitCounter;
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private lastPrune = 0;
  private readonly failure = repeatedFailure("rate limits: syncing counters");
  readonly syncMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly store: CounterStore,
    private readonly options: RateLimiterOptions = {},
  ) {
    this.syncMs = options.syncMs ?? (Number(process.env.KEYWARD_RATELIMIT_SYNC_MS) || DEFAULT_SYNC_MS);
    this.clock = options.clock ?? Date.now;
    this.counter = new LimitCounter({ shared: options.shared ?? false, syncMs: this.syncMs });
  }

  start(): void {
    this.timer = setInterval(() => void this.sync(), this.syncMs);
    this.timer.unref();
  }

  /** Stops the timer and writes what this instance counted, so a restart reads it back. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.sync();
    await this.sync();
    await this.store.close?.();
  }

  admit(keyId: string, policy: KeyPolicy, cost: number, now: Date): LimitDecision | Promise<LimitDecision> {
    const decision = this.counter.decide(keyId, policy, cost, now.getTime());
    if (!("load" in decision)) return decision;
    return Promise.all(decision.load.map((b) => this.load(b))).then(() => this.admit(keyId, policy, cost, now));
  }

  private load(b: Bucket): Promise<void> {
    const startedAt = this.clock();
    b.loading ??= this.store
      .read(b.keyId, [b.bucket])
      .then(
        (counts) => this.counter.applyLoaded(b, counts.get(b.bucket) ?? 0, startedAt),
        (error: unknown) => {
          // Limits keep working on what this instance knows; the database is retried at the next sync.
          this.counter.loadFailed(b, this.clock());
          this.report(error);
        },
      )
      .finally(() => {
        b.loading = null;
      });
    return b.loading;
  }

  private report(error: unknown) {
    (this.options.onError ?? ((e) => this.failure.fail(e)))(error);
  }

  /** One reconciliation: add what was spent here, read every instance's sum back. Never two at once. */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => {
      this.syncing = null;
    });
    return this.syncing;
  }

  private async syncOnce() {
    const now = this.clock();
    const batch = this.counter.collect(now);
    try {
      if (batch.length > 0) {
        const counts = await this.store.add(
          batch.map(({ bucket, delta }) => ({ keyId: bucket.keyId, bucket: bucket.bucket, delta, expiresAt: bucket.expiresAt })),
        );
        batch.forEach(({ bucket, delta }, i) => this.counter.applyFlushed(bucket, delta, counts[i], now));
      }
      if (now - this.lastPrune > PRUNE_EVERY_MS) {
        this.lastPrune = now;
        await this.store.prune(now);
      }
      this.failure.recovered();
    } catch (error) {
      // What the batch carried is still pending here, and goes with the next sync.
      this.report(error);
    }
  }
}
