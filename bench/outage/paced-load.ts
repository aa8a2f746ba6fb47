// The load of bench/outage.ts, in a process of its own: verify requests at a constant rate (open loop), each
// timed from when it was due, so a stall of the server shows as the latency its clients would see (the requests
// due meanwhile wait) rather than as requests never sent. autocannon's rate limit sends each second's quota in
// one burst, which measures the burst. /metrics is scraped from here too: the bench's own process stops and
// starts PostgreSQL with synchronous calls, which would leave holes in both.
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";

export interface PacedStart {
  type: "start";
  url: string;
  bodies: string[];
  /** Requests per second. */
  rate: number;
  /** Most requests in flight at once (keep-alive connections); the others wait in the client, their clock running. */
  sockets: number;
  metricsUrl: string;
  metricsToken: string;
  scrapeEveryMs: number;
  /** Keyward's process, whose CPU time is read with each scrape. */
  serverPid: number;
}

/** One /metrics scrape: epoch ms and the figures the bench reads. */
export interface MetricsSample {
  /** When the scrape was sent, and when its answer came back: the figures are from in between. */
  t: number;
  answeredAt: number;
  buffered: number;
  written: number;
  spillBytes: number;
  /** prom-client's event-loop delay since the previous scrape (its histogram is reset on every scrape). */
  loopMaxS: number;
  /** Seconds spent in GC since the process started, all kinds. */
  gcS: number;
  /** CPU seconds so far: the machine's (all cores, /proc/stat), Keyward's process (all its threads), this process's. */
  cpu: { machine: number; server: number; load: number };
}

export interface PacedResult {
  type: "result";
  /** Per request, epoch ms: when it was due, when it was sent, when its answer ended (NaN: none). */
  due: number[];
  sent: number[];
  done: number[];
  /** HTTP status (0: connection error or no answer) and whether the body said valid:true. */
  status: number[];
  valid: boolean[];
}

export type PacedMessage = { type: "ready" } | { type: "sample"; sample: MetricsSample } | PacedResult;

const now = () => performance.timeOrigin + performance.now();

function metric(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  return match ? Number(match[1]) : NaN;
}

// Linux's USER_HZ: /proc reports CPU time in 1/100 s.
const TICKS_PER_S = 100;

function cpuSeconds(serverPid: number): MetricsSample["cpu"] {
  // cpu  user nice system idle iowait irq softirq steal …: busy is everything but idle and iowait.
  const [, ...machine] = readFileSync("/proc/stat", "utf8").split("\n", 1)[0].trim().split(/\s+/).map(Number);
  const busy = machine.slice(0, 8).reduce((a, b) => a + b, 0) - machine[3] - machine[4];
  // /proc/<pid>/stat: utime and stime are fields 14 and 15, counted after the command's closing parenthesis.
  const processTicks = (pid: number | "self") => {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return Number(fields[11]) + Number(fields[12]);
  };
  return { machine: busy / TICKS_PER_S, server: processTicks(serverPid) / TICKS_PER_S, load: processTicks("self") / TICKS_PER_S };
}

function sample(text: string, t: number, answeredAt: number, cpu: MetricsSample["cpu"]): MetricsSample {
  let gcS = 0;
  for (const m of text.matchAll(/^nodejs_gc_duration_seconds_sum\{kind="\w+"\} (\S+)$/gm)) gcS += Number(m[1]);
  return {
    t,
    answeredAt,
    buffered: metric(text, "keyward_usage_events_buffered"),
    written: metric(text, "keyward_usage_events_written_total"),
    spillBytes: metric(text, "keyward_usage_spill_bytes"),
    loopMaxS: metric(text, "nodejs_eventloop_lag_max_seconds"),
    gcS,
    cpu,
  };
}

function send(message: PacedMessage, then?: () => void) {
  process.send!(message, undefined, undefined, then);
}

function run(start: PacedStart) {
  const target = new URL(start.url);
  // In turn (fifo), so no connection idles into the server's keep-alive timeout and is closed under a request.
  const agent = new Agent({ keepAlive: true, maxSockets: start.sockets, scheduling: "fifo" });
  const result: PacedResult = { type: "result", due: [], sent: [], done: [], status: [], valid: [] };
  const interval = 1000 / start.rate;
  const t0 = now() + 20;
  let issued = 0;
  let inFlight = 0;
  let running = true;

  function fire(i: number) {
    const body = start.bodies[i % start.bodies.length];
    result.due.push(t0 + i * interval);
    result.sent.push(now());
    result.done.push(NaN);
    result.status.push(0);
    result.valid.push(false);
    inFlight += 1;
    const finish = (status: number, valid: boolean) => {
      if (!Number.isNaN(result.done[i])) return;
      result.done[i] = now();
      result.status[i] = status;
      result.valid[i] = valid;
      inFlight -= 1;
    };
    const req = request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => finish(res.statusCode ?? 0, text.startsWith('{"valid":true')));
        res.on("error", () => finish(0, false));
      },
    );
    req.on("error", () => finish(0, false));
    req.end(body);
  }

  // Every millisecond, everything that fell due since: the pace holds whatever the timer's own jitter.
  const pacer = setInterval(() => {
    const t = now();
    while (running && t0 + issued * interval <= t) fire(issued++);
  }, 1);

  let scraping = true;
  const scrape = async () => {
    while (scraping) {
      const at = now();
      try {
        const res = await fetch(start.metricsUrl, { headers: { authorization: `Bearer ${start.metricsToken}` } });
        if (res.ok) send({ type: "sample", sample: sample(await res.text(), at, now(), cpuSeconds(start.serverPid)) });
      } catch {
        // The next scrape says it; the bench works from the samples it got.
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, at + start.scrapeEveryMs - now())));
    }
  };
  const scraper = scrape();

  return async function stop() {
    running = false;
    scraping = false;
    clearInterval(pacer);
    const deadline = now() + 10_000;
    while (inFlight > 0 && now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    await scraper;
    agent.destroy();
    // The result is large: the channel closes once it has gone, not before.
    send(result, () => process.disconnect());
  };
}

let stop: (() => Promise<void>) | null = null;
process.on("message", (message: PacedStart | { type: "stop" }) => {
  if (message.type === "start") stop = run(message);
  else void stop?.();
});
send({ type: "ready" });
