import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import { errorMessage } from "../error-message";
import { log } from "../log";
import { repeatedFailure } from "../log/repeated";
import { observeUsageBatch, reportUsageSpillBytes } from "../metrics/usage-writer";
import { providerOfDb, type Db } from "../db/client";
import { appendEvent, CHUNK_EVENTS, EVENT_FIELDS, type UsageChunk, type UsageEventInput } from "./event";
import { postgresUsageWriter } from "./postgres-writer";
import { sqliteUsageWriter } from "./sqlite-writer";
import { prismaUsageWriter, type UsageBatchWriter } from "./write-batch";
import { isBusy, type ThreadUsageWriter } from "./writer-thread";

export interface UsageRecorderOptions {
  flushIntervalMs?: number;
  batchSize?: number;
  /** Most events one transaction takes when writes fall behind (they then grow past batchSize). */
  maxBatch?: number;
  /** Past this many unwritten events (the database is down), in memory and spilled, the oldest are dropped and counted. */
  maxBuffered?: number;
  /** Past this many unwritten events in memory, the oldest go to spill files under spillDir (default 50,000). */
  maxInMemory?: number;
  /** Where unwritten events are spilled (`<data dir>/usage-spill`); without it they stay in memory up to maxBuffered. */
  spillDir?: string;
  /**
   * While a backlog drains (after an outage), each batch is followed by a pause of this many times what it took
   * (default 1: the writer and the database work at most half the time), as long as the backlog still shrinks.
   * 0 writes the backlog flat out.
   */
  backlogPause?: number;
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
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 2000;
const BACKLOG_PAUSE_MAX_MS = 1000;

interface SpillFile {
  path: string;
  events: number;
  bytes: number;
}

const spillName = /^\d+-\d+-\d+-(\d+)\.json$/;

/**
 * Buffers usage events and writes them in batches (every flushIntervalMs, or as soon as batchSize are
 * waiting), so a verification never waits on a database write. One batch at a time, in order; a failed
 * batch goes back to the front of the buffer and is retried on the next tick.
 */
export class UsageRecorder {
  /** Buffered events, oldest first; record() appends to the last chunk. */
  private chunks: UsageChunk[] = [];
  /** Events in `chunks`. */
  private inMemory = 0;
  /** Oldest first; written before what is in memory. */
  private spilled: SpillFile[] = [];
  private spilledEvents = 0;
  private spillSeq = 0;
  /** No write is tried before this (Date.now()) after a failure; doubles up to RETRY_MAX_MS while failing. */
  private retryAt = 0;
  private retryMs = RETRY_MIN_MS;
  private draining: Promise<void> | null = null;
  /** Every event up to this count of recorded ones is wanted in the database now (see drain). */
  private writeThrough = 0;
  private lastError: unknown = null;
  private timer: NodeJS.Timeout | null;
  private soon = false;
  private closing = false;
  private readonly stats = { recorded: 0, written: 0, dropped: 0 };
  private readonly batchSize: number;
  private readonly maxBatch: number;
  private readonly maxBuffered: number;
  private readonly maxInMemory: number;
  private readonly backlogPause: number;
  private readonly spillDir: string | null;
  private readonly onError: (error: unknown) => void;
  private readonly writeFailure = repeatedFailure("usage: writing events");
  private readonly dropping = repeatedFailure("usage: keeping every event");
  private readonly writer: UsageBatchWriter & Partial<Pick<ThreadUsageWriter, "close" | "spill" | "writeSpilled" | "discard">>;

  constructor(db: Db, options: UsageRecorderOptions = {}) {
    this.writer = !options.url
      ? prismaUsageWriter(db)
      : providerOfDb(db) === "sqlite"
        ? sqliteUsageWriter(options.url)
        : postgresUsageWriter(options.url);
    this.batchSize = options.batchSize ?? 2000;
    this.maxBatch = Math.max(this.batchSize, options.maxBatch ?? 5000);
    this.maxBuffered = options.maxBuffered ?? 2_000_000;
    this.maxInMemory = options.maxInMemory ?? 50_000;
    this.backlogPause = options.backlogPause ?? 1;
    this.spillDir = options.spillDir && this.writer.spill ? options.spillDir : null;
    this.onError = options.onError ?? ((error) => this.writeFailure.fail(error));
    if (this.spillDir) this.adoptSpilled(this.spillDir);
    this.timer = setInterval(() => void this.drain(true), options.flushIntervalMs ?? 250);
    this.timer.unref();
  }

  record(event: UsageEventInput): void {
    this.stats.recorded += 1;
    let chunk = this.chunks[this.chunks.length - 1];
    if (chunk === undefined || chunk.length >= CHUNK_EVENTS * EVENT_FIELDS) this.chunks.push((chunk = []));
    appendEvent(chunk, event);
    this.inMemory += 1;
    if (this.inMemory > this.maxInMemory && this.spillDir) this.spillOldest();
    if (this.buffered > this.maxBuffered) this.dropOldest();
    if (this.buffered >= this.batchSize && !this.soon && Date.now() >= this.retryAt) {
      this.soon = true;
      setImmediate(() => {
        this.soon = false;
        void this.drain(false);
      });
    }
  }

  /** Unwritten events, in memory and spilled. */
  private get buffered(): number {
    return this.inMemory + this.spilledEvents;
  }

  /** Files left by an earlier run (killed, or stopped while the database was down) are written first. */
  private adoptSpilled(dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const name of readdirSync(dir).sort()) {
      const match = spillName.exec(name);
      if (!match) continue;
      const events = Number(match[1]);
      this.spilled.push({ path: path.join(dir, name), events, bytes: 0 });
      this.spilledEvents += events;
      this.stats.recorded += events;
    }
    if (this.spilled.length > 0) log.info(`usage: ${this.spilledEvents} events spilled by an earlier run will be written`);
  }

  /** Moves the oldest in-memory events (one batch's worth) to a file, written on the writer's thread. */
  private spillOldest() {
    const chunks: UsageChunk[] = [];
    let events = 0;
    while (this.chunks.length > 1 && events < this.maxBatch) {
      const chunk = this.chunks.shift()!;
      chunks.push(chunk);
      events += chunk.length / EVENT_FIELDS;
    }
    if (events === 0) return;
    this.inMemory -= events;
    const file: SpillFile = {
      path: path.join(this.spillDir!, `${Date.now()}-${process.pid}-${String(this.spillSeq++).padStart(9, "0")}-${events}.json`),
      events,
      bytes: 0,
    };
    this.spilled.push(file);
    this.spilledEvents += events;
    this.writer.spill!(file.path, chunks).then(
      (bytes) => {
        file.bytes = bytes;
        this.reportSpill();
      },
      (error: unknown) => {
        // The disk refused too (full, read-only): these events are lost, and said so.
        if (this.forget(file)) this.lose(events, `spilling to ${this.spillDir} failed: ${errorMessage(error)}`);
      },
    );
  }

  private forget(file: SpillFile): boolean {
    const at = this.spilled.indexOf(file);
    if (at < 0) return false;
    this.spilled.splice(at, 1);
    this.spilledEvents -= file.events;
    this.reportSpill();
    return true;
  }

  private reportSpill() {
    reportUsageSpillBytes(this.spilled.reduce((sum, f) => sum + f.bytes, 0));
  }

  /** Past maxBuffered: the oldest events go, counted (keyward_usage_events_dropped_total) and logged. */
  private dropOldest() {
    const file = this.spilled[0];
    if (file) {
      this.forget(file);
      // Deleted by the writer's thread, which may not have written it yet.
      this.writer.discard!(file.path).catch((error: unknown) => this.onError(error));
      return this.lose(file.events, `backlog over ${this.maxBuffered} events`);
    }
    const events = this.chunks.shift()!.length / EVENT_FIELDS;
    this.inMemory -= events;
    this.lose(events, `backlog over ${this.maxBuffered} events`);
  }

  private lose(events: number, why: string) {
    this.stats.dropped += events;
    this.dropping.fail(new Error(`${why}: dropped the oldest ${events} events (${this.stats.dropped} in all)`));
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
    // While the database is down, a write is tried every RETRY_MIN_MS…RETRY_MAX_MS, not on every event.
    if (Date.now() < this.retryAt) return;
    while (this.buffered > 0 && (this.stats.written + this.stats.dropped < this.writeThrough || this.buffered >= this.batchSize)) {
      const before = this.buffered;
      const started = performance.now();
      const file = this.spilled[0];
      if (file) {
        if (!(await this.writeSpilledFile(file))) return;
        await this.paceBacklog(before, file.events, performance.now() - started);
        continue;
      }
      // While a commit waits on the disk, events keep arriving: the next transaction takes them all (bounded).
      const batch: UsageChunk[] = [];
      let count = 0;
      while (this.chunks.length > 0 && count < this.maxBatch) {
        const chunk = this.chunks.shift()!;
        batch.push(chunk);
        count += chunk.length / EVENT_FIELDS;
      }
      this.inMemory -= count;
      try {
        await this.writer.write(batch);
        this.written(count);
      } catch (error) {
        this.chunks = batch.concat(this.chunks);
        this.inMemory += count;
        this.failed(error);
        return;
      } finally {
        observeUsageBatch((performance.now() - started) / 1000);
      }
      await this.paceBacklog(before, count, performance.now() - started);
    }
  }

  /**
   * After a batch of a backlog (more than one full batch still waiting): a pause, so that writing an outage's
   * backlog leaves the cores to the thread answering verifications (flat out, PostgreSQL inserting it and the
   * writer's thread took them, and verify's p99 doubled while it drained). Only while the backlog shrinks even
   * with the pause, so a writer that cannot keep up is never slowed down; never on the way out.
   */
  private async paceBacklog(before: number, written: number, tookMs: number) {
    if (this.closing || this.backlogPause <= 0 || this.buffered < this.maxBatch) return;
    const arrived = this.buffered - (before - written);
    if (arrived * (1 + this.backlogPause) >= written) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(tookMs * this.backlogPause, BACKLOG_PAUSE_MAX_MS)));
  }

  private async writeSpilledFile(file: SpillFile): Promise<boolean> {
    const started = performance.now();
    try {
      await this.writer.writeSpilled!(file.path);
      if (this.forget(file)) this.written(file.events);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") {
        // Its spill failed (already counted as dropped) or it was dropped meanwhile.
        if (this.forget(file)) this.lose(file.events, `spill file ${file.path} is gone`);
        return true;
      }
      this.failed(error);
      return false;
    } finally {
      observeUsageBatch((performance.now() - started) / 1000);
    }
  }

  private written(count: number) {
    this.stats.written += count;
    this.lastError = null;
    this.retryAt = 0;
    this.retryMs = RETRY_MIN_MS;
    this.writeFailure.recovered();
    this.dropping.recovered();
  }

  private failed(error: unknown) {
    this.lastError = error;
    if (isBusy(error)) return;
    this.onError(error);
    this.retryAt = Date.now() + this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  /** Stops the timer and writes everything still buffered; what cannot be written is reported and counted. */
  async close(): Promise<UsageRecorderStats> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      await this.flush();
    } catch (error) {
      // A failing write was reported when it failed; a timeout is news.
      if (error !== this.lastError) this.onError(error);
      // The database is still down: what memory holds goes to disk, and the next start writes it (the
      // writer's thread handles messages in order, so its close below waits for these files).
      if (this.spillDir) {
        while (this.inMemory > 0) {
          this.chunks.push([]);
          this.spillOldest();
        }
      }
    }
    await this.writer.close?.();
    return this.getStats();
  }

  /** Events waiting in spill files, and their bytes on disk. */
  spillStats(): { events: number; files: number } {
    return { events: this.spilledEvents, files: this.spilled.length };
  }

  getStats(): UsageRecorderStats {
    return { ...this.stats, buffered: this.buffered };
  }
}
