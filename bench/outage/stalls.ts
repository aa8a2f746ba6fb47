// What the server's request thread did in each phase of `npm run bench -- outage --cpu-prof`: reads the main
// thread's CPU profile and the phases' windows, and prints, per phase, the CPU it took per second of wall time by
// function (self time), sorted by how much more the drain took than the normal phase, then the drain's longest
// stretches without an idle sample. `npx tsx bench/outage/stalls.ts <profile dir>`
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const dir = process.argv[2];
if (!dir) {
  console.error("usage: npx tsx bench/outage/stalls.ts <profile dir>");
  process.exit(2);
}
const windows = JSON.parse(readFileSync(path.join(dir, "windows.json"), "utf8")) as Record<string, [number, number]>;
// CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main thread, the one that answers verify.
const file = readdirSync(dir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
if (!file) throw new Error(`no main-thread profile in ${dir}`);
const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile;

const parent = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const frameName = (id: number) => {
  const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
  return `${functionName || "(anonymous)"} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ""}`.trim();
};
const stack = (id: number, depth = 6) => {
  const names: string[] = [];
  for (let at: number | undefined = id; at !== undefined && names.length < depth; at = parent.get(at)) names.push(frameName(at));
  return names.join(" < ");
};

// Sample times: startTime plus the running sum of the deltas (µs, CLOCK_MONOTONIC).
const times: number[] = [];
let t = profile.startTime;
for (const delta of profile.timeDeltas) times.push((t += delta));
const isIdle = (id: number) => byId.get(id)!.callFrame.functionName === "(idle)";

function selfMsPerS(from: number, to: number): Map<string, number> {
  const ms = new Map<string, number>();
  for (let i = 1; i < profile.samples.length; i++) {
    if (times[i] < from || times[i] >= to || isIdle(profile.samples[i])) continue;
    const name = frameName(profile.samples[i]);
    ms.set(name, (ms.get(name) ?? 0) + (times[i] - times[i - 1]) / 1000);
  }
  const seconds = (to - from) / 1e6;
  for (const [name, v] of ms) ms.set(name, v / seconds);
  return ms;
}

const phases = Object.keys(windows);
const perPhase = Object.fromEntries(phases.map((p) => [p, selfMsPerS(...windows[p])]));
const busy = (p: string) => [...perPhase[p].values()].reduce((a, b) => a + b, 0);
console.log(`${file}: busy ms per second of wall time: ${phases.map((p) => `${p} ${busy(p).toFixed(0)}`).join(", ")}`);
const names = new Set(phases.flatMap((p) => [...perPhase[p].keys()]));
const rows = [...names]
  .map((name) => ({ name, v: phases.map((p) => perPhase[p].get(name) ?? 0) }))
  .sort(
    (a, b) => b.v[phases.indexOf("drain")] - b.v[phases.indexOf("normal")] - (a.v[phases.indexOf("drain")] - a.v[phases.indexOf("normal")]),
  )
  .slice(0, 15);
console.log(`\nself ms per s (${phases.join(" / ")}), most grown in the drain first:`);
for (const row of rows) console.log(`  ${row.v.map((v) => v.toFixed(1).padStart(6)).join(" ")}  ${row.name}`);

// Intervals between two samples far over the profiler's 1 ms: the thread (or the profiler's) was not running,
// the cores taken by other threads and processes.
console.log("\nsample intervals over 5 ms (the thread not scheduled), ms per s of wall time / longest:");
for (const p of phases) {
  const [from, to] = windows[p];
  let lost = 0;
  let longest = 0;
  for (let i = 1; i < times.length; i++) {
    if (times[i] < from || times[i] >= to) continue;
    const gap = (times[i] - times[i - 1]) / 1000;
    if (gap > 5) lost += gap;
    longest = Math.max(longest, gap);
  }
  console.log(`  ${p.padEnd(8)} ${(lost / ((to - from) / 1e6)).toFixed(0).padStart(5)} / ${longest.toFixed(1)} ms`);
}

// The drain's longest busy stretches: consecutive samples without an idle one, and what most of them were in.
const [from, to] = windows.drain;
const stretches: { start: number; ms: number; leaves: Map<number, number> }[] = [];
let current: (typeof stretches)[number] | null = null;
for (let i = 1; i < profile.samples.length; i++) {
  if (times[i] < from || times[i] >= to) continue;
  const id = profile.samples[i];
  if (isIdle(id)) {
    current = null;
    continue;
  }
  if (!current) stretches.push((current = { start: times[i], ms: 0, leaves: new Map() }));
  current.ms += (times[i] - times[i - 1]) / 1000;
  current.leaves.set(id, (current.leaves.get(id) ?? 0) + 1);
}
console.log("\nthe drain's longest stretches without an idle sample:");
for (const s of stretches.sort((a, b) => b.ms - a.ms).slice(0, 5)) {
  const [top] = [...s.leaves].sort((a, b) => b[1] - a[1]);
  const samples = [...s.leaves.values()].reduce((a, b) => a + b, 0);
  console.log(`  ${s.ms.toFixed(1)} ms at +${((s.start - from) / 1000).toFixed(0)} ms: ${top[1]}/${samples} samples in ${stack(top[0])}`);
}
