import { DomainError } from "../errors";
import type { Db } from "../db/client";

// Failures allowed before backoff starts: an account is one person mistyping; an address may be an office.
export const ACCOUNT_FREE_FAILURES = 5;
export const IP_FREE_FAILURES = 10;
export const BASE_LOCK_MS = 2_000;
export const MAX_LOCK_MS = 15 * 60 * 1000;
// A subject with no failure for this long starts again from zero.
export const FORGET_AFTER_MS = 60 * 60 * 1000;
// In-process: verifications already running for one subject; more are refused before reaching argon2, so a
// burst of parallel guesses cannot occupy the hashing threads that other people's sign-ins need.
const MAX_IN_FLIGHT = { account: 1, ip: 2 } as const;

export const TOO_MANY_ATTEMPTS = "Too many sign-in attempts";

export interface ThrottleSubjects {
  account: string;
  ip: string | null;
}

export function throttleSubjects(email: string, ip: string | null | undefined): ThrottleSubjects {
  return { account: `email:${email.toLowerCase()}`, ip: ip ? `ip:${ip}` : null };
}

function subjectList(s: ThrottleSubjects): string[] {
  return s.ip ? [s.account, s.ip] : [s.account];
}

function waitMessage(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  const wait = seconds === 1 ? "1 second" : seconds < 90 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return `${TOO_MANY_ATTEMPTS}. Try again in ${wait}.`;
}

/** The lock length after `failures` failures, for a subject allowed `free` failures before backoff. */
export function lockMsAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** Math.min(failures - free, 20));
}

/**
 * Refuses at once — one indexed read, no password hash — when the account or the address is locked.
 * The same answer whether or not the account exists, so it reveals nothing about who has one.
 */
export async function assertNotThrottled(db: Db, subjects: ThrottleSubjects, now = new Date()): Promise<void> {
  const rows = await db.loginThrottle.findMany({ where: { subject: { in: subjectList(subjects) } } });
  const until = Math.max(0, ...rows.map((r) => r.lockedUntil?.getTime() ?? 0));
  if (until > now.getTime()) throw new DomainError("RATE_LIMITED", waitMessage(until - now.getTime()));
}

async function recordFailureOf(db: Db, subject: string, free: number, now: Date) {
  const row = await db.loginThrottle.findUnique({ where: { subject } });
  const stale = !row || now.getTime() - row.updatedAt.getTime() > FORGET_AFTER_MS;
  const failures = (stale ? 0 : row.failures) + 1;
  const lockMs = lockMsAfter(failures, free);
  const lockedUntil = lockMs > 0 ? new Date(now.getTime() + lockMs) : null;
  await db.loginThrottle.upsert({
    where: { subject },
    create: { subject, failures, lockedUntil, updatedAt: now },
    update: { failures, lockedUntil, updatedAt: now },
  });
}

let failuresSincePrune = 0;
const PRUNE_EVERY = 100;

export async function recordLoginFailure(db: Db, subjects: ThrottleSubjects, now = new Date()): Promise<void> {
  await recordFailureOf(db, subjects.account, ACCOUNT_FREE_FAILURES, now);
  if (subjects.ip) await recordFailureOf(db, subjects.ip, IP_FREE_FAILURES, now);
  // Guesses at made-up addresses leave a row each; forgotten, unlocked rows are swept now and then.
  if (++failuresSincePrune >= PRUNE_EVERY) {
    failuresSincePrune = 0;
    const forgotten = new Date(now.getTime() - FORGET_AFTER_MS);
    await db.loginThrottle.deleteMany({
      where: { updatedAt: { lt: forgotten }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
    });
  }
}

/** A right password clears the account's count; the address keeps its own, which fades with time. */
export async function recordLoginSuccess(db: Db, subjects: ThrottleSubjects): Promise<void> {
  await db.loginThrottle.deleteMany({ where: { subject: subjects.account } });
}

const inFlight = new Map<string, number>();

/** Runs `verify` unless too many verifications for the same account or address are already running. */
export async function withVerificationSlot<T>(subjects: ThrottleSubjects, verify: () => Promise<T>): Promise<T> {
  const claims: [string, number][] = [[subjects.account, MAX_IN_FLIGHT.account]];
  if (subjects.ip) claims.push([subjects.ip, MAX_IN_FLIGHT.ip]);
  if (claims.some(([subject, max]) => (inFlight.get(subject) ?? 0) >= max)) {
    throw new DomainError("RATE_LIMITED", waitMessage(1000));
  }
  for (const [subject] of claims) inFlight.set(subject, (inFlight.get(subject) ?? 0) + 1);
  try {
    return await verify();
  } finally {
    for (const [subject] of claims) {
      const left = (inFlight.get(subject) ?? 1) - 1;
      if (left <= 0) inFlight.delete(subject);
      else inFlight.set(subject, left);
    }
  }
}

/**
 * The one way a password is checked at sign-in (and when an existing user accepts an invite): throttle
 * first, then argon2, then record the outcome. Returns whether the password matched.
 */
export async function checkPasswordThrottled(
  db: Db,
  email: string,
  storedHash: string | null | undefined,
  password: string,
  ip: string | null | undefined,
  verify: (stored: string | null | undefined, password: string) => Promise<boolean>,
  now = new Date(),
): Promise<boolean> {
  const subjects = throttleSubjects(email, ip);
  // The slot is taken before the first database read and held until the outcome is recorded, so parallel
  // guesses for one account are refused however slow the database is, and each sees the previous failure.
  return withVerificationSlot(subjects, async () => {
    await assertNotThrottled(db, subjects, now);
    const ok = await verify(storedHash, password);
    if (ok && storedHash) await recordLoginSuccess(db, subjects);
    else await recordLoginFailure(db, subjects, now);
    return ok && !!storedHash;
  });
}
