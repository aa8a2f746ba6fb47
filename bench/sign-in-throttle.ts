// Login throttling under attack: a legitimate user's sign-in latency alone (baseline) and while 1,000
// wrong-password attempts run against the sign-in service (real SQLite database, real argon2id), in two
// shapes: one account guessed from one address, and 1,000 accounts sprayed from one address.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { signIn } from "../lib/auth/login";
import { hashPassword } from "../lib/auth/password";
import { createDb, type Db } from "../lib/db/client";
import { migrateDatabase } from "../lib/db/migrate";
import { exitOnMiss, target } from "./targets";

const ATTEMPTS = 1000;
const CONCURRENCY = 10;
const TARGET_RATIO = 2;
const LEGIT = { email: "legit@example.com", password: "legit password 1", meta: { ip: "203.0.113.10", userAgent: "legit" } };

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function legitSignIn(db: Db): Promise<number> {
  const start = performance.now();
  await signIn(db, LEGIT.email, LEGIT.password, LEGIT.meta);
  return performance.now() - start;
}

async function attack(db: Db, emailFor: (i: number) => string, ip: string) {
  const outcomes: Record<string, number> = {};
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (let i = worker; i < ATTEMPTS; i += CONCURRENCY) {
        let code = "ok";
        try {
          await signIn(db, emailFor(i), `guess-${i}`, { ip, userAgent: "attacker" });
        } catch (error) {
          code = (error as { code?: string }).code ?? "error";
        }
        outcomes[code] = (outcomes[code] ?? 0) + 1;
      }
    }),
  );
  return { outcomes, ms: performance.now() - started };
}

/** Legit sign-ins, one after another, for as long as `during` runs (at least `min`). */
async function sampleWhile(db: Db, during: Promise<unknown>, min: number): Promise<number[]> {
  let done = false;
  void during.then(() => (done = true));
  const samples: number[] = [];
  while (!done || samples.length < min) samples.push(await legitSignIn(db));
  return samples;
}

export async function benchSignInThrottle(): Promise<void> {
  process.env.KEYWARD_MASTER_KEY ??= randomBytes(32).toString("hex");
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-bench-throttle-"));
  const url = `file:${path.join(dir, "bench.db")}`;
  migrateDatabase(url);
  const db = createDb(url);
  try {
    const passwordHash = await hashPassword(LEGIT.password);
    await db.user.create({ data: { id: "usr_legit", email: LEGIT.email, passwordHash } });
    await db.user.create({ data: { id: "usr_victim", email: "victim@example.com", passwordHash } });

    for (let i = 0; i < 3; i++) await legitSignIn(db); // warm-up: argon2 threads, statement caches
    const baselineSamples: number[] = [];
    for (let i = 0; i < 20; i++) baselineSamples.push(await legitSignIn(db));
    const baseline = median(baselineSamples);

    const scenarios = [
      { label: "one account, one address", emailFor: () => "victim@example.com", ip: "198.51.100.66" },
      { label: "1,000 accounts sprayed, one address", emailFor: (i: number) => `spray${i}@example.com`, ip: "198.51.100.77" },
    ];
    console.log(`sign-in throttle (${ATTEMPTS} wrong passwords, ${CONCURRENCY} at a time, SQLite, argon2id m=19MiB t=2):`);
    console.log(`  legit sign-in alone (baseline, median of ${baselineSamples.length})    ${baseline.toFixed(1).padStart(7)} ms   1.0x`);
    let worst = 0;
    for (const scenario of scenarios) {
      const running = attack(db, scenario.emailFor, scenario.ip);
      const samples = await sampleWhile(db, running, 5);
      const { outcomes, ms } = await running;
      const during = median(samples);
      worst = Math.max(worst, during / baseline);
      console.log(
        `  legit sign-in during attack: ${scenario.label.padEnd(36)} ${during.toFixed(1).padStart(7)} ms   ${(during / baseline).toFixed(2)}x baseline` +
          `  (median of ${samples.length}; attack ${ms.toFixed(0)} ms, outcomes ${JSON.stringify(outcomes)})`,
      );
    }
    console.log(
      `  target: legit sign-in during attack <= ${TARGET_RATIO}x baseline -> ${target(`sign-in-throttle: legit sign-in during attack <= ${TARGET_RATIO}x baseline`, worst <= TARGET_RATIO)} (worst ${worst.toFixed(2)}x)`,
    );
  } finally {
    await db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await benchSignInThrottle();
  exitOnMiss();
}
