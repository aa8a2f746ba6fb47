// The verification endpoint under load, next to two baselines measured in the same run:
//   a0  node:http returning a constant for the same JSON body (the ceiling)
//   a1  the same constant from a Next.js route handler (what a naive build gets: `next start`); then the
//       same route through Keyward's server for 5 s, so the verify cases run on a server whose console is in use
//   b   verify, valid keys spread over 10,000 of the 100,000 keys
//   b'  b again with events on: a webhook endpoint subscribed to key.new_address and key.denial_burst, and a few
//       dozen requests a second beside the load that raise those events (bench/verify/events.ts); each delivered
//   c   verify, a fresh random (well-formed, checksum-valid) unknown key on every request
//   d   verify, valid keys that only allow 10.0.0.0/8, from 127.0.0.1
//   e   verify, 100 valid keys under generous rate limits (1 s and 1 day) and a quota: every request spends
//   f   verify, 100 keys whose limit (1 a day) the warm-up used up: every request answers RATE_LIMITED
// b, b', e and f are compared with each other: they run interleaved, in ROUNDS short rounds whose orders form
// Williams squares (b b' f e, b' e b f, e f b' b, f b e b': each case follows each other one equally often, so
// what one leaves behind — b''s deliveries, a sync — lands on each of the others alike), and each ratio is taken
// per round, its median checked against the target and its spread printed. Run one after the other, minutes
// apart, a slow patch of the machine landed on one case (b'/b 0.99 in one run and 0.75 in the next on identical code).
// Then SIGTERM: every usage event of an answered verification must be in the database.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import Table from "cli-table3";
import { createDb } from "../lib/db/client";
import { generateSecret } from "../lib/keys";
import { dropDatabaseForce, postgresAdminQuery } from "../lib/db/postgres-admin";
import { BENCH_PREFIX, seedVerifyBench, seedVerifyBenchPostgres } from "./verify/seed";
import { planEvents, startReceiver, subscribe, SUBSCRIBED } from "./verify/events";
import { denialBurstThreshold } from "../lib/usage/detect-worker.mjs";
import { loadMasterKey } from "../lib/crypto/master-key";
import { migrateDatabase } from "../lib/db/migrate";
import { exitOnMiss, expectSize, target } from "./targets";
import { serverBundlePath } from "../scripts/build-server.mjs";

// `npm run bench -- verify --keys=20000 --duration=3` for a quicker look while developing (`--only=sqlite` or
// `--only=postgres` for one column); targets are for the defaults.
const option = (name: string, fallback: number) => {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = Number(arg?.slice(name.length + 3));
  return arg && Number.isInteger(value) && value > 0 ? value : fallback;
};
const KEY_COUNT = option("keys", 100_000);
const OPEN_KEYS = Math.min(10_000, Math.floor(KEY_COUNT / 10));
const WALLED_KEYS = Math.min(1_000, Math.floor(KEY_COUNT / 100));
// Limited keys are the busy ones of a deployment: a hundred of each, every one in use on every sync.
const LIMITED_KEYS = Math.min(100, Math.floor(KEY_COUNT / 100));
const EXHAUSTED_KEYS = LIMITED_KEYS;
const CONNECTIONS = 50;
const DURATION_S = option("duration", 10);
// b, b', e, f: ROUNDS rounds of 2 × DURATION_S / ROUNDS seconds each (20 s per case in all). Twice the other cases'
// time: their targets are ratios of per-round medians, and with 8 rounds a run's median moved by ±0.05 from run to
// run on identical code (each round's ratio spread ±15 %), as much as the b'/b target's whole margin.
const ROUNDS = option("rounds", 16);
const ROUND_S = Math.max(1, (2 * DURATION_S) / ROUNDS);
// A Williams square of the 4 cases: row r is the order of round r (mod 4); each ordered pair is adjacent once.
const ORDERS = [
  [0, 1, 3, 2],
  [1, 2, 0, 3],
  [2, 3, 1, 0],
  [3, 0, 2, 1],
];
// `--profile=DIR`: the Keyward server runs with --cpu-prof, one .cpuprofile per thread written there at exit.
const PROFILE_DIR = process.argv.find((a) => a.startsWith("--profile="))?.slice("--profile=".length);
const VERIFY_PATH = "/api/v1/keys/verify";
const EVENTS_ON = "b' verify, valid keys, events on";
// At 50 connections flat out, latency is mostly queueing (Little's law: 50 in flight / N req/s), the
// ceiling's own included. One client sending one request at a time sees the work per request instead.
// (autocannon's rate limit sends each second's quota in a burst, so it cannot pace requests evenly.)
const SINGLE = { connections: 1, duration: 5 };
const root = path.resolve(import.meta.dirname, "..");

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  // TypeScript sources (the baselines) run under tsx; Keyward itself runs compiled, as `npm start` runs it.
  const loader = args.some((a) => a.endsWith(".ts")) ? ["--import", "tsx"] : [];
  const child = spawn(process.execPath, [...loader, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${args[0]} did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${args[0]} exited (${code}):\n${output}`));
    });
  });
}

/** CPU time (user + system) the process, or one of its threads, has used so far, in ms. */
function cpuMs(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, "utf8");
  const fields = stat.split(") ")[1].split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
}

/** `--threads`: per thread (by id, in creation order: the main thread is the process id), CPU ms so far. */
function threadCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`).map(Number)) {
    try {
      out.set(tid, cpuMs(pid, tid));
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}
const THREADS = process.argv.includes("--threads");

/** CPU ms so far of the PostgreSQL server's processes on this machine (a backend that ended meanwhile is left out). */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/stat`, "utf8").includes(" (postgres) ")) total += cpuMs(Number(pid));
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

/** CPU ms so far of this process: autocannon, b''s receiver and the requests that raise its events. */
function benchCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function rssMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

interface Run {
  label: string;
  /** Interleaved cases: each round's req/s, in round order. */
  rounds?: number[];
  /** CPU time the Keyward process (all its threads) spent per answered request, µs: not skewed by other work as req/s is. */
  cpuUs?: number;
  /** The same for the PostgreSQL server's processes (PostgreSQL only), and for the bench's own process. */
  postgresUs?: number;
  benchUs?: number;
  /** `--threads`: the same per thread id. */
  threadUs?: Map<number, number>;
  rssAfter?: number;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  other: number;
}

/** Bodies drawn in turn from `next()` on every request, identical machinery for every case. */
async function load(
  label: string,
  url: string,
  next: () => string,
  opts: { duration?: number; amount?: number; connections?: number } = {},
): Promise<Run> {
  const result = await autocannon({
    url,
    // autocannon refuses more connections than requests (a warm-up of a small --keys run).
    connections: Math.min(opts.connections ?? CONNECTIONS, opts.amount ?? Infinity),
    ...(opts.amount ? { amount: opts.amount } : { duration: opts.duration ?? DURATION_S }),
    requests: [{ method: "POST", headers: { "content-type": "application/json" }, setupRequest: (req) => ({ ...req, body: next() }) }],
  });
  return {
    label,
    // Answers over the run's own duration: a short round's partial last second counts as much as the others.
    rps: Math.round(result.requests.total / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    other: result.non2xx + result.errors + result.timeouts,
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** One row for a case run in rounds: median req/s, p50 and p99 of its rounds, answers summed. */
function combine(rounds: Run[]): Run {
  return {
    label: rounds[0].label,
    rounds: rounds.map((r) => r.rps),
    rps: Math.round(median(rounds.map((r) => r.rps))),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    cpuUs: median(rounds.map((r) => r.cpuUs!)),
    postgresUs: median(rounds.map((r) => r.postgresUs ?? 0)),
    benchUs: median(rounds.map((r) => r.benchUs ?? 0)),
    threadUs: rounds[0].threadUs
      ? new Map([...rounds[0].threadUs.keys()].map((tid) => [tid, median(rounds.map((r) => r.threadUs?.get(tid) ?? 0))]))
      : undefined,
    ok: rounds.reduce((sum, r) => sum + r.ok, 0),
    other: rounds.reduce((sum, r) => sum + r.other, 0),
  };
}

/** Per round, `x`'s req/s over `y`'s: the median (what the target checks) and the spread. */
function roundRatio(x: Run, y: Run) {
  // A round in which b answered nothing (the server stalled) gives no ratio.
  const ratios = x.rounds!.map((rps, i) => rps / y.rounds![i]).filter((r) => Number.isFinite(r));
  const text = `${median(ratios).toFixed(2)} [${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} over ${ratios.length} rounds]`;
  return { value: median(ratios), text };
}

function cycle(bodies: string[]) {
  let i = 0;
  return () => bodies[i++ % bodies.length];
}

/** Builds the app and compiles the server when their sources changed (what `npm start` does); returns the server's file. */
export function ensureBuild(distDir: string): string {
  const res = spawnSync(process.execPath, ["scripts/build-if-stale.mjs"], {
    cwd: root,
    env: { ...process.env, NEXT_DIST_DIR: distDir, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  });
  if (res.status !== 0) throw new Error("building Keyward failed");
  return serverBundlePath(distDir);
}

interface BackendResult {
  backend: string;
  runs: Run[];
  /** The same cases from a single connection: latency without queueing. */
  single: Run[];
  events: { written: number; answered: number; acknowledged: number; rollups: number };
  /** Case b': the events raised during it (and how many were expected), and what the receiver got. */
  webhooks: { expected: number; raised: number; received: number; verified: number; byType: Record<string, number> };
  rss: { idle: number; peak: number };
}

/**
 * One backend: seed 100,000 keys, start the production server on them, measure the baselines a0/a1 beside it
 * (each backend's ratios use its own), run the verify cases, then SIGTERM and count the usage events that
 * reached the database.
 */
async function benchBackend(backend: "sqlite" | "postgres", distDir: string, pgAdmin?: string): Promise<BackendResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-bench-verify-"));
  // One master key for the run: the bench process seals the b' endpoint's secret with it too (lib/webhooks).
  const masterKey = loadMasterKey();
  const pgName = `keyward_bench_verify_${process.pid}`;
  let databaseUrl = `file:${path.join(dir, "bench.db")}`;
  if (backend === "postgres") {
    await dropDatabaseForce(pgAdmin!, pgName);
    await postgresAdminQuery(pgAdmin!, `CREATE DATABASE "${pgName}"`);
    const u = new URL(pgAdmin!);
    u.pathname = `/${pgName}`;
    databaseUrl = u.toString();
  }
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    KEYWARD_MASTER_KEY: masterKey.toString("hex"),
    KEYWARD_DATA_DIR: dir,
    NEXT_DIST_DIR: distDir,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  const children: ChildProcess[] = [];
  try {
    migrateDatabase(databaseUrl);
    const seedStart = Date.now();
    const counts = { total: KEY_COUNT, open: OPEN_KEYS, walled: WALLED_KEYS, limited: LIMITED_KEYS, exhausted: EXHAUSTED_KEYS };
    const seeded =
      backend === "postgres"
        ? await seedVerifyBenchPostgres(databaseUrl, masterKey, counts)
        : await seedVerifyBench(path.join(dir, "bench.db"), masterKey, counts);
    const db = createDb(databaseUrl);
    expectSize(`verify (${backend}): keys seeded`, await db.apiKey.count(), KEY_COUNT);
    expectSize(`verify (${backend}): valid keys to verify`, seeded.open.length, OPEN_KEYS);
    expectSize(`verify (${backend}): keys walled to 10.0.0.0/8`, seeded.walled.length, WALLED_KEYS);
    expectSize(`verify (${backend}): keys under generous limits`, seeded.limited.length, LIMITED_KEYS);
    expectSize(`verify (${backend}): keys with an exhausted limit`, seeded.exhausted.length, EXHAUSTED_KEYS);
    console.log(
      `verify bench (${backend}): seeded ${KEY_COUNT.toLocaleString("en")} keys in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`,
    );

    const port = await freePort();
    if (PROFILE_DIR) mkdirSync(path.resolve(PROFILE_DIR, backend), { recursive: true });
    const profile = PROFILE_DIR ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(PROFILE_DIR, backend)}`] : [];
    const keyward = await startChild(
      [...profile, serverBundlePath(distDir)],
      { ...env, NODE_ENV: "production", PORT: String(port), HOST: "127.0.0.1", KEYWARD_BENCH: "1" },
      /Keyward ready/,
    );
    children.push(keyward.child);
    const base = `http://127.0.0.1:${port}`;
    // The key cache's set of known hashes loads in the background after start: give it a moment.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleRss = rssMb(keyward.child.pid!, "VmRSS");
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(keyward.child.pid!, "VmRSS"))), 250);

    const body = (key: string) => JSON.stringify({ key, action: "read", resource: "projects/web/deploys" });
    const validBodies = seeded.open.map(body);
    const walledBodies = seeded.walled.map(body);
    const limitedBodies = seeded.limited.map(body);
    const exhaustedBodies = seeded.exhausted.map(body);
    const unknown = () => body(generateSecret({ prefix: BENCH_PREFIX, env: "live" }).secret);

    const runs: Run[] = [];
    const single: Run[] = [];
    const measured = async (run: Promise<Run>) => {
      const r = await run;
      r.rssAfter = rssMb(keyward.child.pid!, "VmRSS");
      runs.push(r);
    };
    const plainPort = await freePort();
    const plain = await startChild(["bench/verify/plain-server.ts"], { ...env, PORT: String(plainPort) }, /ready/);
    children.push(plain.child);
    // The naive build: the same app served by `next start`, the constant from its route handler.
    const nextPort = await freePort();
    const naive = await startChild(
      ["node_modules/next/dist/bin/next", "start", "-p", String(nextPort), "-H", "127.0.0.1"],
      { ...env, NODE_ENV: "production", KEYWARD_BENCH: "1" },
      /Ready in/,
    );
    children.push(naive.child);
    await measured(load("a0 node:http constant", `http://127.0.0.1:${plainPort}/`, cycle(validBodies)));
    await measured(load("a1 Next.js route constant", `http://127.0.0.1:${nextPort}/api/bench/constant`, cycle(validBodies)));
    single.push(await load("a0 node:http constant", `http://127.0.0.1:${plainPort}/`, cycle(validBodies), SINGLE));
    naive.child.kill("SIGKILL");
    // Console traffic first, as on a server in use: the same route through Keyward (its thread, then Next's).
    await measured(load("a1 route through Keyward", `${base}/api/bench/constant`, cycle(validBodies), { duration: 5 }));
    // Warm-up: each key verified once (fills the cache the way steady traffic would); counted as events too.
    const warm = [
      await load("warm-up b", `${base}${VERIFY_PATH}`, cycle(validBodies), { amount: validBodies.length }),
      await load("warm-up d", `${base}${VERIFY_PATH}`, cycle(walledBodies), { amount: walledBodies.length }),
      await load("warm-up e", `${base}${VERIFY_PATH}`, cycle(limitedBodies), { amount: limitedBodies.length }),
      // Each key's one request of the day: from here on every request for it is RATE_LIMITED.
      await load("warm-up f", `${base}${VERIFY_PATH}`, cycle(exhaustedBodies), { amount: exhaustedBodies.length }),
      // Then past the denial-burst threshold, so f's keys raise their key.denial_burst (once an hour each) here,
      // before b''s endpoint is subscribed: in the rounds the only events raised are b''s own.
      await load("warm-up f bursts", `${base}${VERIFY_PATH}`, cycle(exhaustedBodies), {
        amount: exhaustedBodies.length * (denialBurstThreshold() + 1),
      }),
    ];
    const bursts = () => db.outboxEvent.count({ where: { orgId: seeded.orgId, type: "key.denial_burst" } });
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && (await bursts()) < EXHAUSTED_KEYS;)
      await new Promise((resolve) => setTimeout(resolve, 250));
    expectSize(`verify (${backend}): key.denial_burst of f's keys raised in the warm-up`, await bursts(), EXHAUSTED_KEYS);
    // …and fanned out, else the dispatcher would deliver them to the endpoint subscribed next.
    const undispatched = () => db.outboxEvent.count({ where: { orgId: seeded.orgId, dispatchedAt: null } });
    for (const deadline = Date.now() + 15_000; Date.now() < deadline && (await undispatched()) > 0;)
      await new Promise((resolve) => setTimeout(resolve, 250));
    expectSize(`verify (${backend}): events of the warm-up not yet dispatched`, await undispatched(), 0);
    const verifyRunsFrom = runs.length;
    // b, b', e, f interleaved (see the top of this file), the endpoint subscribed throughout: nothing raises an
    // event outside b', so b, e and f do the work they would without it.
    const receiver = await startReceiver();
    const since = new Date();
    const subscription = await subscribe(db, seeded.orgId, receiver.url);
    receiver.setSecret(subscription.secret);
    const raising = planEvents(seeded.open, ROUND_S * ROUNDS, ROUNDS);
    const url = `${base}${VERIFY_PATH}`;
    const cases: { label: string; run: (round: number) => Promise<Run> }[] = [
      { label: "b verify, valid keys", run: () => load("b verify, valid keys", url, cycle(validBodies), { duration: ROUND_S }) },
      {
        label: EVENTS_ON,
        run: async (round) => {
          const [r] = await Promise.all([load(EVENTS_ON, url, cycle(validBodies), { duration: ROUND_S }), raising.raise(base, round)]);
          return r;
        },
      },
      {
        label: "e verify, under rate limits + quota",
        run: () => load("e verify, under rate limits + quota", url, cycle(limitedBodies), { duration: ROUND_S }),
      },
      {
        label: "f verify, limit exhausted",
        run: () => load("f verify, limit exhausted", url, cycle(exhaustedBodies), { duration: ROUND_S }),
      },
    ];
    const byCase = new Map<string, Run[]>(cases.map((c) => [c.label, []]));
    // With --profile: when each round ran, on the monotonic clock the .cpuprofile files' timestamps use (µs).
    const roundTimes: { label: string; start: number; end: number; requests: number }[] = [];
    for (let round = 0; round < ROUNDS; round++)
      for (let i = 0; i < cases.length; i++) {
        const c = cases[ORDERS[round % ORDERS.length][i]];
        const cpuBefore = cpuMs(keyward.child.pid!);
        const postgresBefore = backend === "postgres" ? postgresCpuMs() : 0;
        const benchBefore = benchCpuMs();
        const threadsBefore = THREADS ? threadCpu(keyward.child.pid!) : null;
        const start = Number(process.hrtime.bigint() / 1000n);
        const r = await c.run(round);
        roundTimes.push({ label: c.label, start, end: Number(process.hrtime.bigint() / 1000n), requests: r.ok + r.other });
        r.cpuUs = ((cpuMs(keyward.child.pid!) - cpuBefore) * 1000) / Math.max(1, r.ok + r.other);
        r.benchUs = ((benchCpuMs() - benchBefore) * 1000) / Math.max(1, r.ok + r.other);
        if (backend === "postgres") r.postgresUs = ((postgresCpuMs() - postgresBefore) * 1000) / Math.max(1, r.ok + r.other);
        if (threadsBefore) {
          r.threadUs = new Map();
          for (const [tid, ms] of threadCpu(keyward.child.pid!))
            r.threadUs.set(tid, ((ms - (threadsBefore.get(tid) ?? 0)) * 1000) / Math.max(1, r.ok + r.other));
        }
        byCase.get(c.label)!.push(r);
      }
    for (const c of cases) runs.push(combine(byCase.get(c.label)!));
    if (PROFILE_DIR) writeFileSync(path.resolve(PROFILE_DIR, backend, "rounds.json"), JSON.stringify(roundTimes));
    runs[runs.length - 1].rssAfter = rssMb(keyward.child.pid!, "VmRSS");
    // Detection runs off the usage batches and the dispatcher polls every second: wait for the last deliveries.
    const raisedNow = () =>
      db.outboxEvent.count({ where: { orgId: seeded.orgId, type: { in: [...SUBSCRIBED] }, createdAt: { gte: since } } });
    let raised = await raisedNow();
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; raised = await raisedNow()) {
      if (raised >= raising.expected && receiver.received().events >= raised) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const received = receiver.received();
    await subscription.unsubscribe();
    await receiver.close();
    await measured(load("c verify, unknown keys", `${base}${VERIFY_PATH}`, unknown));
    await measured(load("d verify, disallowed IP", `${base}${VERIFY_PATH}`, cycle(walledBodies)));
    single.push(await load("b verify, valid keys", `${base}${VERIFY_PATH}`, cycle(validBodies), SINGLE));
    single.push(await load("c verify, unknown keys", `${base}${VERIFY_PATH}`, unknown, SINGLE));
    single.push(await load("d verify, disallowed IP", `${base}${VERIFY_PATH}`, cycle(walledBodies), SINGLE));
    clearInterval(sampler);
    const hwm = rssMb(keyward.child.pid!, "VmHWM");

    const exited = new Promise<number | null>((resolve) => keyward.child.once("exit", resolve));
    keyward.child.kill("SIGTERM");
    await exited;
    const summary = /usage: (\d+) verifications answered, (\d+) events written, (\d+) unwritten/.exec(keyward.output());
    const written = await db.usageEvent.count();
    const rollups = (await db.usageRollup.aggregate({ _sum: { count: true } }))._sum.count ?? 0;
    await db.$disconnect();
    return {
      backend: backend === "postgres" ? "PostgreSQL" : "SQLite",
      runs,
      single,
      events: {
        written,
        answered: Number(summary?.[1] ?? NaN),
        acknowledged:
          raising.sent().ok +
          [...warm, ...runs.slice(verifyRunsFrom), ...single.filter((r) => !r.label.startsWith("a0"))].reduce((sum, r) => sum + r.ok, 0),
        rollups,
      },
      webhooks: { expected: raising.expected, raised, received: received.events, verified: received.verified, byType: received.byType },
      rss: { idle: idleRss, peak: Math.max(peakRss, hwm) },
    };
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    if (backend === "postgres") await dropDatabaseForce(pgAdmin!, pgName);
  }
}

/** SQLite, and PostgreSQL too when BENCH_POSTGRES_URL (or TEST_POSTGRES_URL) is set; each with its own baselines. */
export async function benchVerify(): Promise<void> {
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice("--only=".length);
  if (only !== undefined && only !== "sqlite" && only !== "postgres") throw new Error(`--only=${only}: choose sqlite or postgres`);
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  process.env.KEYWARD_MASTER_KEY ??= randomBytes(32).toString("hex");
  ensureBuild(distDir);
  const load1 = loadavg()[0];
  const results = only === "postgres" ? [] : [await benchBackend("sqlite", distDir)];
  const pgAdmin = process.env.BENCH_POSTGRES_URL || process.env.TEST_POSTGRES_URL;
  if (pgAdmin && only !== "sqlite") results.push(await benchBackend("postgres", distDir, pgAdmin));
  else if (!pgAdmin) console.log("verify bench: set BENCH_POSTGRES_URL for the PostgreSQL column");

  const table = new Table({ head: ["case", "backend", "req/s", "p50 ms", "p99 ms", "2xx", "other", "Keyward RSS after (MB)"] });
  for (const r of results) {
    for (const run of r.runs)
      table.push([
        run.label,
        r.backend,
        run.rps.toLocaleString("en"),
        run.p50,
        run.p99,
        run.ok.toLocaleString("en"),
        run.other,
        run.rssAfter ?? "",
      ]);
  }
  console.log(
    `\nVerification endpoint — ${KEY_COUNT.toLocaleString("en")} keys, ${CONNECTIONS} connections × ${DURATION_S} s each, autocannon on the same machine`,
  );
  console.log(table.toString());
  const singleTable = new Table({ head: ["case", "backend", "req/s", "p50 ms", "p99 ms", "2xx", "other"] });
  for (const r of results)
    for (const run of r.single)
      singleTable.push([run.label, r.backend, run.rps.toLocaleString("en"), run.p50, run.p99, run.ok.toLocaleString("en"), run.other]);
  console.log(
    `b, b', e, f: ${ROUNDS} interleaved rounds of ${ROUND_S} s each; their row is the median round (2xx and other: summed), ` +
      `each ratio of them the median of its rounds' ratios [lowest–highest]`,
  );
  console.log(`\nThe same from one connection (${SINGLE.duration} s each): latency without queueing`);
  console.log(singleTable.toString());
  const run = (runs: Run[], prefix: string) => runs.find((x) => x.label.startsWith(prefix))!;
  const bOf = (r: BackendResult) => run(r.runs, "b ");
  for (const r of results) {
    const check = (what: string, ok: boolean) => target(`verify ${r.backend}: ${what}`, ok);
    const [a0, a1] = r.runs;
    const [b, c, d, e, f] = ["b ", "c ", "d ", "e ", "f "].map((prefix) => run(r.runs, prefix));
    const ratioA0 = b.rps / a0.rps;
    const ratioA1 = b.rps / a1.rps;
    const { written, answered, acknowledged, rollups } = r.events;
    const withEvents = run(r.runs, EVENTS_ON);
    const hooks = r.webhooks;
    const [eb, fb, b1b] = [e, f, withEvents].map((x) => roundRatio(x, b));
    console.log(`${r.backend}:`);
    console.log(
      `  Keyward's CPU time per request (all threads, median of rounds): ` +
        [b, withEvents, e, f].map((x) => `${x.label.split(" ")[0]} ${Math.round(x.cpuUs!)} µs`).join(", "),
    );
    console.log(
      `  the same beside Keyward: ${r.backend === "PostgreSQL" ? "PostgreSQL's processes " : ""}` +
        (r.backend === "PostgreSQL"
          ? [b, withEvents, e, f].map((x) => `${x.label.split(" ")[0]} ${Math.round(x.postgresUs!)} µs`).join(", ") + "; "
          : "") +
        `the bench's own process (load, receiver, event requests) ` +
        [b, withEvents, e, f].map((x) => `${x.label.split(" ")[0]} ${Math.round(x.benchUs!)} µs`).join(", "),
    );
    for (const x of THREADS ? [b, withEvents, e, f] : [])
      console.log(
        `    ${x.label.split(" ")[0]} by thread: ` +
          [...x.threadUs!]
            .filter(([, us]) => us >= 0.5)
            .map(([tid, us]) => `${tid} ${us.toFixed(1)}`)
            .join(", "),
      );
    console.log(
      `  b/a0 = ${ratioA0.toFixed(2)} (target ≥ 0.5: ${check("b/a0 >= 0.5", ratioA0 >= 0.5)}); b/a1 = ${ratioA1.toFixed(1)} (target ≥ 10: ${check("b/a1 >= 10", ratioA1 >= 10)})`,
    );
    console.log(
      `  p99 of b, c, d flat out = ${b.p99} / ${c.p99} / ${d.p99} ms (target ≤ 5: ${check("p99 flat out <= 5 ms", Math.max(b.p99, c.p99, d.p99) <= 5)}; ` +
        `the ceiling a0's own p99 flat out is ${a0.p99} ms)`,
    );
    const [pb, pc, pd] = ["b ", "c ", "d "].map((prefix) => run(r.single, prefix));
    console.log(
      `  p99 of b, c, d from one connection = ${pb.p99} / ${pc.p99} / ${pd.p99} ms (target ≤ 5: ${check("p99 from one connection <= 5 ms", Math.max(pb.p99, pc.p99, pd.p99) <= 5)})`,
    );
    console.log(
      `  e/b = ${eb.text} (target ≥ 0.9: ${check("e >= 0.9 x b", eb.value >= 0.9)}); ` +
        `f/b = ${fb.text} (target ≥ 0.9: ${check("f >= 0.9 x b", fb.value >= 0.9)}); p99 of e, f flat out = ${e.p99} / ${f.p99} ms (b: ${b.p99} ms)`,
    );
    const types = SUBSCRIBED.map((type) => `${hooks.byType[type] ?? 0} ${type}`).join(", ");
    const allDelivered = hooks.raised === hooks.expected && hooks.received === hooks.raised && hooks.verified >= hooks.received;
    console.log(
      `  b' (events on)/b = ${b1b.text} (target ≥ 0.95: ${check("b with events on >= 0.95 x b", b1b.value >= 0.95)}); ` +
        `webhook deliveries during it: ${hooks.received} events received (${types}), ${hooks.verified} signatures verified, of ${hooks.raised} raised ` +
        `(${hooks.expected} expected; target all delivered: ${check("b' events raised and delivered", allDelivered)})`,
    );
    console.log(
      `  usage events: ${written.toLocaleString("en")} written, ${answered.toLocaleString("en")} answered, ${acknowledged.toLocaleString("en")} acknowledged, ` +
        `rollups sum ${rollups.toLocaleString("en")} (target written = answered: ${check("usage events written = answered", written === answered && written >= acknowledged && rollups === written)})`,
    );
    console.log(
      `  server RSS: ${r.rss.idle} MB idle after start, peak ${r.rss.peak} MB (target ≤ 400: ${check("peak RSS <= 400 MB", r.rss.peak <= 400)})`,
    );
    if (r === results[0]) continue;
    // PostgreSQL, for the deployments SQLite has outgrown, against SQLite measured in the same run.
    const ratio = bOf(r).rps / bOf(results[0]).rps;
    const worst = Math.max(b.p99, c.p99, d.p99);
    console.log(
      `  b vs ${results[0].backend}'s b = ${ratio.toFixed(2)} (target ≥ 0.8: ${check(`b >= 0.8 x ${results[0].backend} b`, ratio >= 0.8)}); ` +
        `p99 of b, c, d flat out = ${worst} ms vs 2 × a0's ${a0.p99} ms (target ≤ 2× the ceiling: ${check("p99 flat out <= 2 x a0 p99", worst <= 2 * a0.p99)})`,
    );
  }
  console.log(
    `machine load average before the runs: ${load1.toFixed(1)} on ${availableParallelism()} cores (other work on the machine skews every figure)`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchVerify()
    .then(exitOnMiss)
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
