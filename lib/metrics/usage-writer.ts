import { Histogram } from "prom-client";

/**
 * What only a usage writer knows, reported here and exposed by /metrics (lib/metrics/registry.ts). A writer
 * calls these; it never imports the registry. Events buffered, written and dropped come from the recorder's
 * own stats (UsageRecorder.getStats) instead.
 */
export const usageWriterMetrics = {
  /** Seconds each batch took from hand-over to the writer until it was committed (failed batches included). */
  batchDuration: new Histogram({
    name: "keyward_usage_batch_duration_seconds",
    help: "Time to write one batch of usage events (with its rollups), from hand-over to commit or failure",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [],
  }),
  /** Bytes of usage events waiting in the on-disk spill file (0 while there is none). */
  spillBytes: 0,
};

export function observeUsageBatch(seconds: number): void {
  usageWriterMetrics.batchDuration.observe(seconds);
}

export function reportUsageSpillBytes(bytes: number): void {
  usageWriterMetrics.spillBytes = bytes;
}
