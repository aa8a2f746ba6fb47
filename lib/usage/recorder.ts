import { providerOfDb, type Db } from "../db/client";
import type { UsageEventInput } from "./event";
import { isBusy, sqliteUsageWriter } from "./sqlite-writer";
import { prismaUsageWriter, type UsageBatchWriter } from "./write-batch";

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  batchSize?: number;
  /** Most events one transaction takes when writes fall behind (they then grow past batchSize). */
  maxBatch?: number;
  /** Past this many unwritten events (the database is down) the oldest are dropped and counted. */
  maxBuffered?: number;
  onError?: (error: unknown) => void;
  /** The database URL behind `db`: on SQLite, batches are written through a direct connection to it. */
  url?: string;
}

export interface UsageRecorderStats {
  recorded: number;
  written: number;
  dropped: number;
  buffered: number;
}

/**
 * Buffers usage events and writes them in batches (every flushIntervalMs, or as soon as batchSize are
 * waiting), so a verification never waits on a database write. One batch at a time, in order; a failed
 * batch goes back to the front of the buffer and is retried on the next tick.
 */
export class UsageRecorder {
  private buffer: UsageEventInput[] = [];
  private flushing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null;
  private soon = false;
  private closed = false;
  private readonly stats = { recorded: 0, written: 0, dropped: 0 };
  private readonly batchSize: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly onError: (error: unknown) => void;
  private readonly writer: UsageBatchWriter & { close?(): Promise<void> };

  constructor(db: Db, options: UsageRecorderOptions = {}) {
    this.writer = providerOfDb(db) === "sqlite" && options.url ? sqliteUsageWriter(options.url) : prismaUsageWriter(db);
    this.batchSize = options.batchSize ?? 500;
    this.maxBatch = Math.max(this.batchSize, options.maxBatch ?? 2000);
    this.maxBuffered = options.maxBuffered ?? 200_000;
    this.onError = options.onError ?? ((error) => console.error(`usage: writing events failed: ${error instanceof Error ? error.message : error}`));
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 250);
    this.timer.unref();
  }

  record(event: UsageEventInput): void {
    this.stats.recorded += 1;
    this.buffer.push(event);
    if (this.buffer.length > this.maxBuffered) {
      const excess = this.buffer.length - this.maxBuffered;
      this.buffer.splice(0, excess);
      this.stats.dropped += excess;
    }
    if (this.buffer.length >= this.batchSize && !this.soon) {
      this.soon = true;
      setImmediate(() => {
        this.soon = false;
        void this.flush();
      });
    }
  }

  /** Writes what is buffered now (in batches); resolves when those events are in the database or failed. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.buffer.length === 0) return Promise.resolve();
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      // While a commit waits on the disk, events keep arriving: the next transaction takes them all (bounded).
      const batch = this.buffer.splice(0, this.maxBatch);
      try {
        await this.writer.write(batch);
        this.stats.written += batch.length;
      } catch (error) {
        this.buffer.unshift(...batch);
        if (!isBusy(error)) this.onError(error);
        return;
      }
    }
  }

  /** Stops the timer and writes everything still buffered, retrying a few times if the database is busy. */
  async close(): Promise<UsageRecorderStats> {
    if (!this.closed) {
      this.closed = true;
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      if (this.flushing) await this.flushing;
      await this.flush();
      if (this.buffer.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100 * Math.min(attempt + 1, 5)));
    }
    await this.writer.close?.();
    return this.getStats();
  }

  getStats(): UsageRecorderStats {
    return { ...this.stats, buffered: this.buffer.length };
  }
}
