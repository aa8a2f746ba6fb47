import { describe, expect, it } from "vitest";
import { signIn } from "@/lib/auth/login";
import { hashPassword } from "@/lib/auth/password";
import {
  ACCOUNT_FREE_FAILURES,
  BASE_LOCK_MS,
  IP_FREE_FAILURES,
  checkPasswordThrottled,
  lockMsAfter,
  MAX_LOCK_MS,
} from "@/lib/auth/throttle";
import { newId } from "@/lib/ids";
import { setUpTestDb } from "../support/db";

const { db } = await setUpTestDb();

/** A stand-in for argon2 that counts calls, so the tests can see when hashing is skipped. */
function countingVerify(rightPassword: string) {
  const calls = { count: 0 };
  const verify = async (stored: string | null | undefined, password: string) => {
    calls.count += 1;
    await new Promise((r) => setTimeout(r, 2));
    return !!stored && password === rightPassword;
  };
  return { calls, verify };
}

async function attempt(email: string, password: string, ip: string, verify: ReturnType<typeof countingVerify>["verify"], now: Date) {
  try {
    return (await checkPasswordThrottled(db, email, "stored", password, ip, verify, now)) ? "ok" : "wrong";
  } catch (error) {
    return (error as { code?: string }).code ?? "error";
  }
}

describe("login throttling", () => {
  it("backs off exponentially and caps the lock", () => {
    expect(lockMsAfter(ACCOUNT_FREE_FAILURES - 1, ACCOUNT_FREE_FAILURES)).toBe(0);
    expect(lockMsAfter(ACCOUNT_FREE_FAILURES, ACCOUNT_FREE_FAILURES)).toBe(BASE_LOCK_MS);
    expect(lockMsAfter(ACCOUNT_FREE_FAILURES + 3, ACCOUNT_FREE_FAILURES)).toBe(BASE_LOCK_MS * 8);
    expect(lockMsAfter(10_000, ACCOUNT_FREE_FAILURES)).toBe(MAX_LOCK_MS);
  });

  it("locks an account after its free failures, refusing without hashing, even the right password", async () => {
    const { calls, verify } = countingVerify("right");
    const t0 = new Date("2030-01-01T00:00:00Z");
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++)
      expect(await attempt("ada@example.com", "wrong", `198.51.100.${i}`, verify, t0)).toBe("wrong");
    expect(calls.count).toBe(ACCOUNT_FREE_FAILURES);
    expect(await attempt("ada@example.com", "right", "203.0.113.1", verify, t0)).toBe("RATE_LIMITED");
    expect(calls.count).toBe(ACCOUNT_FREE_FAILURES);

    // After the lock: one more guess is checked; wrong again doubles the lock.
    const t1 = new Date(t0.getTime() + BASE_LOCK_MS + 1);
    expect(await attempt("ada@example.com", "wrong", "203.0.113.1", verify, t1)).toBe("wrong");
    expect(await attempt("ada@example.com", "right", "203.0.113.1", verify, new Date(t1.getTime() + BASE_LOCK_MS + 1))).toBe(
      "RATE_LIMITED",
    );
    // Right password once the lock ends: accepted, and the account's count starts over.
    const t2 = new Date(t1.getTime() + 2 * BASE_LOCK_MS + 1);
    expect(await attempt("ada@example.com", "right", "203.0.113.1", verify, t2)).toBe("ok");
    expect(await db.loginThrottle.findUnique({ where: { subject: "email:ada@example.com" } })).toBeNull();
  });

  it("locks an address that guesses across many accounts, without locking those accounts elsewhere", async () => {
    const { calls, verify } = countingVerify("right");
    const now = new Date("2030-02-01T00:00:00Z");
    for (let i = 0; i < IP_FREE_FAILURES; i++) await attempt(`user${i}@example.com`, "wrong", "192.0.2.50", verify, now);
    const before = calls.count;
    expect(await attempt("fresh@example.com", "right", "192.0.2.50", verify, now)).toBe("RATE_LIMITED");
    expect(calls.count).toBe(before);
    expect(await attempt("user1@example.com", "right", "192.0.2.51", verify, now)).toBe("ok");
  });

  it("throttles an address after at most 10 failures across accounts, with back-off rather than lockout", async () => {
    const { calls, verify } = countingVerify("right");
    const t0 = new Date("2030-04-01T00:00:00Z");
    const ip = "192.0.2.77";
    for (let i = 0; i < 10; i++) expect(await attempt(`spray${i}@example.com`, "password1", ip, verify, t0)).toBe("wrong");
    expect(await attempt("spray-next@example.com", "password1", ip, verify, t0)).toBe("RATE_LIMITED");
    expect(calls.count).toBe(10);
    // Back-off, not lockout: once the lock has passed the address may try again (and a right password works).
    const later = new Date(t0.getTime() + BASE_LOCK_MS + 1);
    expect(await attempt("spray0@example.com", "right", ip, verify, later)).toBe("ok");
    // The per-account rule still holds on its own: 5 failures for one account from 5 addresses lock it.
    for (let i = 0; i < ACCOUNT_FREE_FAILURES; i++) await attempt("one@example.com", "x", `198.51.100.${200 + i}`, verify, later);
    expect(await attempt("one@example.com", "right", "198.51.100.250", verify, later)).toBe("RATE_LIMITED");
  });

  it("refuses parallel guesses for one account while one is being checked", async () => {
    const { calls, verify } = countingVerify("right");
    const now = new Date("2030-03-01T00:00:00Z");
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => attempt("burst@example.com", "wrong", `198.51.100.${100 + i}`, verify, now)),
    );
    expect(results.filter((r) => r === "RATE_LIMITED").length).toBeGreaterThanOrEqual(9);
    expect(calls.count).toBeLessThanOrEqual(1);
  });

  it("1,000 wrong passwords through sign-in are almost all refused cheaply, and another user still signs in", async () => {
    const passwordHash = await hashPassword("legit password 1");
    await db.user.create({ data: { id: newId("usr"), email: "legit@example.com", passwordHash } });
    await db.user.create({ data: { id: newId("usr"), email: "victim@example.com", passwordHash } });
    const outcomes: Record<string, number> = {};
    const attacker = { ip: "198.51.100.66", userAgent: "attacker" };
    let legitOk = 0;
    const legit = (async () => {
      for (let i = 0; i < 5; i++) {
        await signIn(db, "legit@example.com", "legit password 1", { ip: "203.0.113.10", userAgent: "legit" });
        legitOk += 1;
      }
    })();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 10 }, async (_, worker) => {
        for (let i = worker; i < 1000; i += 10) {
          try {
            await signIn(db, "victim@example.com", `guess-${i}`, attacker);
            outcomes.ok = (outcomes.ok ?? 0) + 1;
          } catch (error) {
            const code = (error as { code?: string }).code ?? "error";
            outcomes[code] = (outcomes[code] ?? 0) + 1;
          }
        }
      }),
    );
    const attackMs = performance.now() - started;
    await legit;
    console.log(`1,000 wrong attempts in ${attackMs.toFixed(0)} ms: ${JSON.stringify(outcomes)}`);
    expect(outcomes.ok).toBeUndefined();
    expect(outcomes.RATE_LIMITED).toBeGreaterThanOrEqual(990);
    expect(legitOk).toBe(5);
  });
});
