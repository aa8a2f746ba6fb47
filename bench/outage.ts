// Issue 16 §2, "recovery does not hurt", on PostgreSQL: Keyward's real server (server.ts, production build) on a
// cluster of the bench's own, under a steady load of cached keys, while the cluster is stopped for a few seconds
// (verifications keep being answered from memory, their usage events pile up) and started again. The phases are
// compared with each other in the same run:
//   normal  before the outage
//   outage  the database stopped
//   drain   from the moment the usage writer's first write after the outage went out until its backlog is back
//           to what it holds between two batches in normal operation (/metrics, keyward_usage_events_buffered)
//   after   the 2 s that follow
// Targets: drain throughput ≥ 0.8 × normal, drain p99 ≤ 2 × normal p99; then SIGTERM, and every usage event of an
// answered verification is in the database.
//
// The load is a constant rate (open loop, bench/outage/paced-load.ts), half of what the server answers flat out
// with autocannon on the same machine a moment earlier: flat out, the request thread already takes every cycle the
// machine has, so any other work (the writer's thread, PostgreSQL inserting the backlog) slows verify down
// whatever the code does, and there is no steady state for a p99 to mean anything. At half load there is room for
// the backlog, as on a server sized for its traffic, and what is measured is whether writing it stalls the thread
// that answers verifications. Each request is timed from when it was due, so a stall counts for every request
// that waited behind it.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import Table from "cli-table3";
import pg from "pg";
import { migrateDatabase } from "../lib/db/migrate";
import { freePort } from "../tests/support/keyward-server";
import { startPostgresCluster } from "../tests/support/postgres-cluster";
import type { MetricsSample, PacedMessage, PacedResult, PacedStart } from "./outage/paced-load";
import { exitOnMiss, expectSize, target } from "./targets";
import { ensureBuild, startChild } from "./verify";
import { seedVerifyBenchPostgres } from "./verify/seed";

// `npm run bench -- outage --keys=… --duration=… --outage-ms=… --load=<% of flat out> | --rate=<req/s> [--timeline] [--cpu-prof]`
// --timeline: the whole paced run, 250 ms at a time. --cpu-prof: the server runs with Node's CPU profiler (which slows it) and the phases' windows are written beside
// the profiles, for bench/outage/stalls.ts to say what the request thread did in each.
const option = (name: string, fallback: number) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = Number(arg?.slice(name.length + 3));
  return arg && Number.isInteger(value) && value > 0 ? value : fallback;
};
const KEY_COUNT = option("keys", 20_000);
const OPEN_KEYS = Math.min(10_000, Math.floor(KEY_COUNT / 10));
const NORMAL_MS = option("duration", 10) * 1000;
const OUTAGE_MS = option("outage-ms", 5000);
const LOAD_PERCENT = option("load", 50);
const FIXED_RATE = option("rate", 0);
const CPU_PROF = process.argv.includes("--cpu-prof");
const TIMELINE = process.argv.includes("--timeline");
const CONNECTIONS = 50;
const CAPACITY_MS = 3000;
/** After the flat-out run: its events are written and the paced load has found its pace. */
const SETTLE_MS = 3000;
const AFTER_MS = 2000;
/** lib/usage/prune.ts: schedulePruning's first run. */
const PRUNE_FIRST_RUN_MS = 30_000;
const DRAIN_TIMEOUT_MS = 60_000;
const SCRAPE_EVERY_MS = 100;
const SOCKETS = 64;
const VERIFY_PATH = "/api/v1/keys/verify";
const root = path.resolve(import.meta.dirname, "..");

const now = () => performance.timeOrigin + performance.now();
const monotonicOffsetUs = Number(process.hrtime.bigint() / 1000n) - now() * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

function startPacedLoad(start: Omit<PacedStart, "type">) {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/outage/paced-load.ts"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    serialization: "advanced",
  });
  const samples: MetricsSample[] = [];
  const started = deferred<void>();
  const result = deferred<PacedResult>();
  child.on("message", (message: PacedMessage) => {
    if (message.type === "ready") {
      child.send({ type: "start", ...start } satisfies PacedStart);
      started.resolve();
    } else if (message.type === "sample") samples.push(message.sample);
    else result.resolve(message);
  });
  // Awaited later, if at all (a bench that failed first kills the child on its way out).
  started.promise.catch(() => {});
  result.promise.catch(() => {});
  child.on("exit", (code) => {
    const error = new Error(`the paced load exited (${code}) before it reported`);
    started.reject(error);
    result.reject(error);
  });
  return {
    child,
    started: started.promise,
    /** /metrics as scraped so far, oldest first. */
    samples,
    stop(): Promise<PacedResult> {
      child.send({ type: "stop" });
      return result.promise;
    },
  };
}

interface Phase {
  label: string;
  from: number;
  to: number;
  /** Requests due in the window. */
  due: number;
  /** Valid answers that ended in the window, per second. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Requests due in the window not answered 200 valid:true. */
  other: number;
  /** How late the load generator itself sent them (its own stalls), p99. */
  lateP99: number;
  /** The server's longest event-loop delay (prom-client, per scrape) and GC time per second, from /metrics. */
  loopMaxMs: number;
  gcMsPerS: number;
  /** CPU used in the window, in cores (of availableParallelism()): Keyward, the load generator, everything else. */
  cores: { server: number; load: number; rest: number };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

function phase(label: string, r: PacedResult, samples: MetricsSample[], from: number, to: number): Phase {
  const latencies: number[] = [];
  const late: number[] = [];
  let due = 0;
  let other = 0;
  let answered = 0;
  for (let i = 0; i < r.due.length; i++) {
    const ok = r.status[i] === 200 && r.valid[i];
    if (ok && r.done[i] >= from && r.done[i] < to) answered += 1;
    if (r.due[i] < from || r.due[i] >= to) continue;
    due += 1;
    if (!ok) other += 1;
    // Unanswered counts as the longest wait there is.
    latencies.push(Number.isNaN(r.done[i]) ? Infinity : r.done[i] - r.due[i]);
    late.push(r.sent[i] - r.due[i]);
  }
  latencies.sort((a, b) => a - b);
  late.sort((a, b) => a - b);
  const inWindow = samples.filter((s) => s.t >= from && s.t < to + SCRAPE_EVERY_MS);
  const at = (t: number) => samples.filter((s) => s.t <= t).at(-1);
  const gcAt = (t: number) => at(t)?.gcS ?? NaN;
  const [first, last] = [at(from), at(to)];
  const seconds = first && last ? (last.t - first.t) / 1000 : NaN;
  const used = (k: keyof MetricsSample["cpu"]) => (first && last ? (last.cpu[k] - first.cpu[k]) / seconds : NaN);
  return {
    label,
    from,
    to,
    due,
    rps: answered / ((to - from) / 1000),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    other,
    lateP99: quantile(late, 0.99),
    loopMaxMs: Math.max(...inWindow.map((s) => s.loopMaxS * 1000)),
    gcMsPerS: ((gcAt(to) - gcAt(from)) * 1000) / ((to - from) / 1000),
    cores: { server: used("server"), load: used("load"), rest: used("machine") - used("server") - used("load") },
  };
}

/**
 * The drain, from the samples: it starts at the scrape that saw the backlog's peak before the first batch written
 * once the cluster was down (a batch leaves the backlog when it is handed to the writer, and counts as written when
 * it commits), and ends at the first scrape that saw the backlog at or under `steady` (its normal peak).
 */
async function waitForDrain(samples: MetricsSample[], downAt: number, steady: number): Promise<{ start: number; end: number }> {
  const deadline = now() + DRAIN_TIMEOUT_MS;
  for (;;) {
    const down = samples.filter((s) => s.t > downAt);
    const resumed = down.findIndex((s) => s.written > down[0].written);
    const end = resumed > 0 ? down.slice(resumed).find((s) => s.buffered <= steady) : undefined;
    if (end) {
      // The backlog's peak before the first commit: the first batch was handed over after that scrape. (The
      // first commit on a new connection takes a few hundred ms, while the backlog keeps growing.)
      let peak = 0;
      for (let i = 1; i < resumed; i++) if (down[i].buffered >= down[peak].buffered) peak = i;
      return { start: down[peak].t, end: end.answeredAt };
    }
    if (now() > deadline) throw new Error(`outage bench: the usage backlog was not written within ${DRAIN_TIMEOUT_MS} ms`);
    await sleep(50);
  }
}

/** Latency and backlog 250 ms at a time, to see whether the slow answers come with the batches (or the neighbours). */
function printTimeline(r: PacedResult, samples: MetricsSample[], from: number, to: number, backAt: number) {
  console.log("  timeline (s after pg_ctl start returned: requests due, p99 ms, max ms, load gen. late p99 ms, backlog at a scrape):");
  for (let at = from; at < to; at += 250) {
    const p = phase("", r, samples, at, at + 250);
    const backlog = samples.find((s) => s.t >= at && s.t < at + 250)?.buffered;
    console.log(
      `    ${((at - backAt) / 1000).toFixed(2).padStart(6)}  ${String(p.due).padStart(5)}  ${ms(p.p99).padStart(7)}  ${ms(p.max).padStart(7)}  ${ms(p.lateP99).padStart(6)}  ${backlog ?? ""}`,
    );
  }
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : String(v));

export async function benchOutage(): Promise<void> {
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const serverFile = ensureBuild(distDir);
  const loadBefore = loadavg()[0];
  const cluster = await startPostgresCluster();
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-bench-outage-"));
  const children: ChildProcess[] = [];
  try {
    const masterKey = randomBytes(32);
    migrateDatabase(cluster.url);
    const seeded = await seedVerifyBenchPostgres(cluster.url, masterKey, {
      total: KEY_COUNT,
      open: OPEN_KEYS,
      walled: 0,
      limited: 0,
      exhausted: 0,
    });
    expectSize("outage: valid keys to verify", seeded.open.length, OPEN_KEYS);

    const port = await freePort();
    const metricsToken = randomBytes(24).toString("hex");
    const profileDir = CPU_PROF ? mkdtempSync(path.join(tmpdir(), "keyward-outage-profile-")) : null;
    const keyward = await startChild(
      [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), serverFile],
      {
        ...process.env,
        DATABASE_URL: cluster.url,
        KEYWARD_MASTER_KEY: masterKey.toString("hex"),
        KEYWARD_DATA_DIR: dir,
        KEYWARD_METRICS_TOKEN: metricsToken,
        NEXT_DIST_DIR: distDir,
        NEXT_TELEMETRY_DISABLED: "1",
        NODE_ENV: "production",
        PORT: String(port),
        HOST: "127.0.0.1",
      },
      /Keyward ready/,
    );
    children.push(keyward.child);
    const readyAt = now();
    const base = `http://127.0.0.1:${port}`;
    // The key cache's set of known hashes loads in the background after start.
    await sleep(2000);

    const bodies = seeded.open.map((key) => JSON.stringify({ key, action: "read", resource: "projects/web/deploys" }));
    let next = 0;
    const flat = (run: { amount: number } | { duration: number }) =>
      autocannon({
        url: `${base}${VERIFY_PATH}`,
        connections: CONNECTIONS,
        ...run,
        requests: [
          {
            method: "POST",
            headers: { "content-type": "application/json" },
            setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }),
          },
        ],
      });
    // Every key verified once: the cache holds them all, so the outage leaves every request answerable.
    const warm = await flat({ amount: bodies.length });
    expectSize("outage: warm-up answers", warm["2xx"], bodies.length);
    const flatOut = await flat({ duration: CAPACITY_MS / 1000 });
    const rate = FIXED_RATE || Math.max(100, Math.round((flatOut.requests.average * LOAD_PERCENT) / 100 / 100) * 100);

    const load = startPacedLoad({
      url: `${base}${VERIFY_PATH}`,
      bodies,
      rate,
      sockets: SOCKETS,
      metricsUrl: `${base}/metrics`,
      metricsToken,
      scrapeEveryMs: SCRAPE_EVERY_MS,
      serverPid: keyward.child.pid!,
    });
    children.push(load.child);
    await load.started;
    // The usage pruning's first run (30 s after start, through Prisma on the request thread: its query compiler
    // takes tens of ms the first time) is kept out of the phases: it landed in the drain otherwise.
    await sleep(Math.max(SETTLE_MS, readyAt + PRUNE_FIRST_RUN_MS + 3000 - now()));
    const normalFrom = now();
    await sleep(NORMAL_MS);
    const stoppingAt = now();
    cluster.stop();
    const downAt = now();
    await sleep(OUTAGE_MS - (now() - stoppingAt));
    const startingAt = now();
    cluster.start();
    const backAt = now();
    // The backlog is drained once it is no larger than between two batches of the normal phase.
    const steady = Math.max(...load.samples.filter((s) => s.t >= normalFrom && s.t < stoppingAt).map((s) => s.buffered));
    if (!Number.isFinite(steady)) throw new Error("outage bench: /metrics gave no usage backlog in the normal phase");
    const drain = await waitForDrain(load.samples, downAt, steady);
    await sleep(drain.end + AFTER_MS - now());
    const result = await load.stop();
    const samples = load.samples;

    const exited = new Promise<number | null>((resolve) => keyward.child.once("exit", resolve));
    keyward.child.kill("SIGTERM");
    await exited;
    const summary = /usage: (\d+) verifications answered, (\d+) events written, (\d+) unwritten/.exec(keyward.output());
    const dropped = Number([...keyward.output().matchAll(/"dropped":(\d+)/g)].at(-1)?.[1] ?? NaN);
    const client = new pg.Client({ connectionString: cluster.url });
    await client.connect();
    const written = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM "UsageEvent"')).rows[0].n);
    const rollups = Number((await client.query<{ n: string }>('SELECT coalesce(sum("count"), 0) AS n FROM "UsageRollup"')).rows[0].n);
    await client.end();
    const answered = Number(summary?.[1] ?? NaN);
    const acknowledged = warm["2xx"] + flatOut["2xx"] + result.status.filter((s) => s === 200).length;

    const phases = [
      phase("normal", result, samples, normalFrom, normalFrom + NORMAL_MS),
      phase("outage (database stopped)", result, samples, stoppingAt, backAt),
      phase("drain (backlog written)", result, samples, drain.start, drain.end),
      phase("after", result, samples, drain.end, drain.end + AFTER_MS),
    ];
    const [normal, , drained] = phases;
    if (profileDir) {
      // V8 stamps profiles with CLOCK_MONOTONIC microseconds, the clock of process.hrtime in every process.
      const monotonicUs = (epochMs: number) => epochMs * 1000 + monotonicOffsetUs;
      const windows = Object.fromEntries(phases.map((p) => [p.label.split(" ")[0], [monotonicUs(p.from), monotonicUs(p.to)]]));
      writeFileSync(path.join(profileDir, "windows.json"), JSON.stringify(windows));
      console.log(`  server CPU profiles (slowed by the profiler) in ${profileDir}: npx tsx bench/outage/stalls.ts ${profileDir}`);
    }
    const outageSamples = samples.filter((s) => s.t >= stoppingAt && s.t <= drain.end);
    const backlogPeak = Math.max(...outageSamples.map((s) => s.buffered));
    const spillPeak = Math.max(...outageSamples.map((s) => s.spillBytes));

    const table = new Table({
      head: [
        "phase",
        "s",
        "due",
        "valid req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "other",
        "load gen. late p99 ms",
        "event-loop max ms",
        "GC ms/s",
        "CPU cores: Keyward / load gen. / PostgreSQL + rest of machine",
      ],
    });
    for (const p of phases)
      table.push([
        p.label,
        ((p.to - p.from) / 1000).toFixed(2),
        p.due.toLocaleString("en"),
        Math.round(p.rps).toLocaleString("en"),
        ms(p.p50),
        ms(p.p99),
        ms(p.max),
        p.other,
        ms(p.lateP99),
        ms(p.loopMaxMs),
        ms(p.gcMsPerS),
        [p.cores.server, p.cores.load, p.cores.rest].map((c) => c.toFixed(2)).join(" / "),
      ]);
    console.log(
      `\nPostgreSQL outage under load — ${KEY_COUNT.toLocaleString("en")} keys, ${bodies.length.toLocaleString("en")} of them verified (all cached), ` +
        `${rate.toLocaleString("en")} req/s paced (${FIXED_RATE ? "--rate" : `${LOAD_PERCENT} % of the ${Math.round(flatOut.requests.average).toLocaleString("en")} req/s answered flat out`}), ` +
        `latency from when each request was due`,
    );
    console.log(table.toString());
    console.log(
      `  database stopped for ${((backAt - stoppingAt) / 1000).toFixed(1)} s (pg_ctl stop ${Math.round(downAt - stoppingAt)} ms, start ${Math.round(backAt - startingAt)} ms); ` +
        `writes resumed ${((drain.start - backAt) / 1000).toFixed(2)} s after pg_ctl start returned (the writer retries every ≤ 2 s); ` +
        `backlog peak ${backlogPeak.toLocaleString("en")} events (spill files ${spillPeak.toLocaleString("en")} bytes), ` +
        `written in ${((drain.end - drain.start) / 1000).toFixed(2)} s (back to ≤ ${steady.toLocaleString("en")}, the normal phase's peak)`,
    );
    if (TIMELINE) printTimeline(result, samples, normalFrom, drain.end + AFTER_MS, backAt);
    const check = (what: string, ok: boolean) => target(`outage PostgreSQL: ${what}`, ok);
    const rpsRatio = drained.rps / normal.rps;
    // Other work on this shared machine comes in bursts, and one burst in the 10 s sets the normal phase's p99 by
    // itself; the drain, a second or two, is less likely to meet one. So the drain is held to the lower of the
    // normal p99 and the median of its one-second p99s (the stricter of the two).
    const secondP99s = Array.from(
      { length: Math.floor(NORMAL_MS / 1000) },
      (_, i) => phase("", result, samples, normal.from + i * 1000, normal.from + (i + 1) * 1000).p99,
    ).sort((a, b) => a - b);
    const normalP99 = Math.min(normal.p99, quantile(secondP99s, 0.5));
    const p99Ratio = drained.p99 / normalP99;
    console.log(
      `  normal p99 ${ms(normal.p99)} ms over ${NORMAL_MS / 1000} s, median of its one-second p99s ${ms(quantile(secondP99s, 0.5))} ms ` +
        `(each second: ${secondP99s.map(ms).join(", ")} ms, sorted)`,
    );
    console.log(
      `  drain / normal throughput = ${rpsRatio.toFixed(2)} (target ≥ 0.8: ${check("drain throughput >= 0.8 x normal", rpsRatio >= 0.8)}); ` +
        `drain / normal p99 = ${ms(drained.p99)} / ${ms(normalP99)} ms = ${p99Ratio.toFixed(2)} (target ≤ 2: ${check("drain p99 <= 2 x normal p99", p99Ratio <= 2)})`,
    );
    const failed = phases.reduce((sum, p) => sum + p.other, 0);
    console.log(
      `  every cached key answered valid through the outage: ${failed} other answers (target 0: ${check("cached keys answered valid throughout", failed === 0)})`,
    );
    console.log(
      `  usage events: ${written.toLocaleString("en")} written, ${answered.toLocaleString("en")} answered, ${acknowledged.toLocaleString("en")} acknowledged, ` +
        `rollups sum ${rollups.toLocaleString("en")}, ${dropped} dropped (target written = answered: ${check(
          "usage events written = answered",
          written === answered && written >= acknowledged && rollups === written && dropped === 0,
        )})`,
    );
    console.log(
      `  machine load average: ${loadBefore.toFixed(1)} before, ${loadavg()[0].toFixed(1)} after, on ${availableParallelism()} cores (other work on the machine skews every figure)`,
    );
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    cluster.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchOutage()
    .then(exitOnMiss)
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
