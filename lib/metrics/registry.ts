import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";
import { USAGE_OUTCOMES, type UsageOutcome } from "../usage/outcomes";
import type { UsageRecorderStats } from "../usage/recorder";
import { ROUTE_CLASSES, STATUS_CLASSES, type HttpStats } from "./http";
import { usageWriterMetrics } from "./usage-writer";

/** What /metrics reads when scraped; every figure is kept as a plain number where it happens. */
export interface MetricSources {
  http: HttpStats;
  /** Answered verifications (200) by outcome. */
  outcomes: Readonly<Record<UsageOutcome, number>>;
  usage: () => UsageRecorderStats;
  cache: {
    readonly entryCount: number;
    readonly lookups: { readonly hits: number; readonly misses: number };
    /** Date.now() when the list of organizations and their key versions was last read. */
    readonly lastPolledAt: number;
  };
}

/**
 * The Prometheus registry behind /metrics: Keyward's figures (names start with keyward_) and the process's
 * own (CPU, memory, event-loop lag, from prom-client's default collectors). Labels take only the fixed values
 * listed in the README: no key, organization or path ever becomes a label.
 */
export function createMetricsRegistry(sources: MetricSources): Registry {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  new Counter({
    name: "keyward_verifications_total",
    help: "Verifications answered (200), by outcome: OK or the denial code the endpoint returned",
    labelNames: ["outcome"],
    registers,
    collect() {
      this.reset();
      for (const outcome of USAGE_OUTCOMES) this.inc({ outcome }, sources.outcomes[outcome]);
    },
  });
  registry.registerMetric(sources.http.verifyDuration);
  new Counter({
    name: "keyward_http_requests_total",
    help: "HTTP requests answered, by route class and status class (aborted: the connection closed first)",
    labelNames: ["class", "status"],
    registers,
    collect() {
      this.reset();
      for (const routeClass of ROUTE_CLASSES) {
        STATUS_CLASSES.forEach((status, i) => this.inc({ class: routeClass, status }, sources.http.counts[routeClass][i]));
      }
    },
  });

  new Gauge({
    name: "keyward_usage_events_buffered",
    help: "Usage events recorded and not yet written to the database (the backlog), in memory and in spill files",
    registers,
    collect() {
      this.set(sources.usage().buffered);
    },
  });
  new Counter({
    name: "keyward_usage_events_written_total",
    help: "Usage events written to the database",
    registers,
    collect() {
      this.reset();
      this.inc(sources.usage().written);
    },
  });
  new Counter({
    name: "keyward_usage_events_dropped_total",
    help: "Usage events dropped because the backlog outgrew its bound (the oldest go first)",
    registers,
    collect() {
      this.reset();
      this.inc(sources.usage().dropped);
    },
  });
  new Gauge({
    name: "keyward_usage_spill_bytes",
    help: "Bytes of usage events waiting in the on-disk spill file",
    registers,
    collect() {
      this.set(usageWriterMetrics.spillBytes);
    },
  });
  registry.registerMetric(usageWriterMetrics.batchDuration);

  new Gauge({
    name: "keyward_key_cache_entries",
    help: "Secrets held in the verification cache",
    registers,
    collect() {
      this.set(sources.cache.entryCount);
    },
  });
  new Counter({
    name: "keyward_key_cache_hits_total",
    help: "Verifications of a well-formed secret answered from memory",
    registers,
    collect() {
      this.reset();
      this.inc(sources.cache.lookups.hits);
    },
  });
  new Counter({
    name: "keyward_key_cache_misses_total",
    help: "Verifications of a well-formed secret that needed a database read",
    registers,
    collect() {
      this.reset();
      this.inc(sources.cache.lookups.misses);
    },
  });
  new Gauge({
    name: "keyward_key_cache_hit_ratio",
    help: "Hits / (hits + misses) since the process started (use the two counters for a rate over a window)",
    registers,
    collect() {
      const { hits, misses } = sources.cache.lookups;
      this.set(hits + misses === 0 ? NaN : hits / (hits + misses));
    },
  });
  new Gauge({
    name: "keyward_key_poll_lag_seconds",
    help: "Seconds since key changes made by other instances were last looked for (normally under KEYWARD_KEYS_POLL_MS)",
    registers,
    collect() {
      this.set((Date.now() - sources.cache.lastPolledAt) / 1000);
    },
  });
  return registry;
}
