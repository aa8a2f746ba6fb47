import { errorMessage } from "../error-message";
import { log } from "../log";
import { observeUsageBatch } from "../metrics/usage-writer";
import { providerOfDb, type Db } from "../db/client";
import { appendEvent, CHUNK_EVENTS, EVENT_FIELDS, type UsageChunk, type UsageEventInput } from "./event";
import { postgresUsageWriter } from "./postgres-writer";
import { sqliteUsageWriter } from "./sqlite-writer";
import { prismaUsageWriter, type UsageBatchWriter } from "./write-batch";
import { isBusy } from "./writer-thread";

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  batchSize?: number;
  /** Most events one transaction takes when writes fall behind (they then grow past batchSize). */
  maxBatch?: number;
  /** Past this many unwritten events (the database is down) the oldest are dropped and counted. */
  maxBuffered?: number;
  onError?: (error: unknown) => void;
  /** The database URL behind `db`: batches are then written on a thread with its own connection to it. */
  url?: string;
}

export interface UsageRecorderStats {
  recorded: number;
  written: number;
  dropped: number;
  buffered: number;
}

const FLUSH_TIMEOUT_MS = 10_000;

/**
 * Buffers usage events and writes them in batches (every flushIntervalMs, or as soon as batchSize are
 * waiting), so a verification never waits on a database write. One batch at a time, in order; a failed
 * batch goes back to the front of the buffer and is retried on the next tick.
 */
export class UsageRecorder {
  /** Buffered events, oldest first; record() appends to the last chunk. */
  private chunks: UsageChunk[] = [];
  private buffered = 0;
  private draining: Promise<void> | null = null;
  /** Every event up to this count of recorded ones is wanted in the database now (see drain). */
  private writeThrough = 0;
  private lastError: unknown = null;
  private timer: NodeJS.Timeout | null;
  private soon = false;
  private readonly stats = { recorded: 0, written: 0, dropped: 0 };
  private readonly batchSize: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly onError: (error: unknown) => void;
  private readonly writer: UsageBatchWriter & { close?(): Promise<void> };

  constructor(db: Db, options: UsageRecorderOptions = {}) {
    this.writer = !options.url
      ? prismaUsageWriter(db)
      : providerOfDb(db) === "sqlite"
        ? sqliteUsageWriter(options.url)
        : postgresUsageWriter(options.url);
    this.batchSize = options.batchSize ?? 2000;
    this.maxBatch = Math.max(this.batchSize, options.maxBatch ?? 5000);
    this.maxBuffered = options.maxBuffered ?? 200_000;
    this.onError = options.onError ?? ((error) => log.error(`usage: writing events failed: ${errorMessage(error)}`));
    this.timer = setInterval(() => void this.drain(true), options.flushIntervalMs ?? 250);
    this.timer.unref();
  }

  record(event: UsageEventInput): void {
    this.stats.recorded += 1;
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || chunk.length >= CHUNK_EVENTS * EVENT_FIELDS) this.chunks.push((chunk = []));
    appendEvent(chunk, event);
    this.buffered += 1;
    if (this.buffered > this.maxBuffered) {
      const lost = this.chunks.shift()!.length / EVENT_FIELDS;
      this.buffered -= lost;
      this.stats.dropped += lost;
    }
    if (this.buffered >= this.batchSize && !this.soon) {
      this.soon = true;
      setImmediate(() => {
        this.soon = false;
        void this.drain(false);
      });
    }
  }

  /**
   * Resolves once every event recorded before the call is in the database. A busy database is waited for;
   * any other failure, or still nothing written after FLUSH_TIMEOUT_MS, rejects (the events stay buffered).
   */
  async flush(timeoutMs = FLUSH_TIMEOUT_MS): Promise<void> {
    const target = this.stats.recorded;
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 1; ; attempt++) {
      await this.drain(true);
      if (this.stats.written + this.stats.dropped >= target) return;
      if (this.lastError && !isBusy(this.lastError))
        throw this.lastError instanceof Error ? this.lastError : new Error(errorMessage(this.lastError));
      if (Date.now() > deadline) throw new Error(`${this.buffered} usage events still unwritten after ${timeoutMs} ms (database busy)`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(20 * attempt, 200)));
    }
  }

  /**
   * Writes batches while batchSize events wait, and (`upToNow`) until every event recorded before the call is
   * written; stops at a failed write. One drain at a time. Under load every transaction so takes at least
   * batchSize events: a commit costs about the same whatever its size, and rewrites the same index pages.
   */
  private drain(upToNow: boolean): Promise<void> {
    if (upToNow) this.writeThrough = this.stats.recorded;
    this.draining ??= this.writeBuffered().finally(() => {
      this.draining = null;
    });
    return this.draining;
  }

  private async writeBuffered(): Promise<void> {
    while (this.buffered > 0 && (this.stats.written + this.stats.dropped < this.writeThrough || this.buffered >= this.batchSize)) {
      // While a commit waits on the disk, events keep arriving: the next transaction takes them all (bounded).
      const batch: UsageChunk[] = [];
      let count = 0;
      while (this.chunks.length > 0 && count < this.maxBatch) {
        const chunk = this.chunks.shift()!;
        batch.push(chunk);
        count += chunk.length / EVENT_FIELDS;
      }
      this.buffered -= count;
      const started = performance.now();
      try {
        await this.writer.write(batch);
        this.stats.written += count;
        this.lastError = null;
      } catch (error) {
        this.chunks = batch.concat(this.chunks);
        this.buffered += count;
        this.lastError = error;
        if (!isBusy(error)) this.onError(error);
        return;
      } finally {
        observeUsageBatch((performance.now() - started) / 1000);
      }
    }
  }

  /** Stops the timer and writes everything still buffered; what cannot be written is reported and counted. */
  async close(): Promise<UsageRecorderStats> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      await this.flush();
    } catch (error) {
      // A failing write was reported when it failed; a timeout is news.
      if (error !== this.lastError) this.onError(error);
    }
    await this.writer.close?.();
    return this.getStats();
  }

  getStats(): UsageRecorderStats {
    return { ...this.stats, buffered: this.buffered };
  }
}
