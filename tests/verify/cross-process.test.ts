// Another process serving verifications on the same database: a change made here must reach it within 1 s
// (through Organization.keysVersion), and a SIGTERM under load must not lose an acknowledged usage event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeKey } from "@/lib/api-keys/revoke-key";
import { rotateKey } from "@/lib/api-keys/rotate-key";
import { setKeyEnabled } from "@/lib/api-keys/set-key-enabled";
import { revokeKeySchema, rotateKeySchema } from "@/lib/validations/key";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { startChild, type Child } from "./support/child";
import { verify } from "./support/http";
import { newKey, sleep } from "./support/keys";

const { db, url } = await setUpTestDb();
let child: Child;
let base: string;
let org: Awaited<ReturnType<typeof createOrg>>;

beforeAll(async () => {
  org = await createOrg(db, { keyPrefix: "xp" });
  const started = await startChild(["tests/verify/support/verify-child.ts"], { DATABASE_URL: url }, /ready (\d+)/);
  child = started;
  base = `http://127.0.0.1:${started.match[1]}`;
});
afterAll(async () => {
  await child?.stop();
});

/** Polls until the verification's code changes from `from`; returns how long that took. */
async function msUntilChanged(secret: string, from: string, limitMs = 3000): Promise<{ ms: number; code: string }> {
  const start = Date.now();
  for (;;) {
    const res = await verify(base, { key: secret });
    const code = res.json.valid ? "OK" : res.json.code;
    if (code !== from || Date.now() - start > limitMs) return { ms: Date.now() - start, code };
    await sleep(20);
  }
}

describe("another process sharing the database", () => {
  it("sees a key created here within 1 second, and keeps accepting it", async () => {
    const { secret } = await newKey(db, org.actor);
    const created = await msUntilChanged(secret, "NOT_FOUND");
    expect(created.code).toBe("OK");
    expect(created.ms).toBeLessThan(1000);
    for (let i = 0; i < 3; i++) expect((await verify(base, { key: secret })).json.valid).toBe(true);
  });

  it("rejects a revoked key within 1 second", async () => {
    const { key, secret } = await newKey(db, org.actor);
    expect((await msUntilChanged(secret, "NOT_FOUND")).code).toBe("OK");
    await revokeKey(db, org.actor, revokeKeySchema.parse({ keyId: key.id, confirmName: key.name }));
    const revoked = await msUntilChanged(secret, "OK");
    expect(revoked.code).toBe("REVOKED");
    expect(revoked.ms).toBeLessThan(1000);
  });

  it("answers DISABLED within 1 second of a disable here, and OK within 1 second of the enable (as fast as a revoke)", async () => {
    const { key, secret } = await newKey(db, org.actor);
    expect((await msUntilChanged(secret, "NOT_FOUND")).code).toBe("OK");
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: false });
    const disabled = await msUntilChanged(secret, "OK");
    expect(disabled.code).toBe("DISABLED");
    expect(disabled.ms).toBeLessThan(1000);
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: true });
    const enabled = await msUntilChanged(secret, "DISABLED");
    expect(enabled.code).toBe("OK");
    expect(enabled.ms).toBeLessThan(1000);
  });

  it("accepts a rotated key's new secret within 1 second and ends the old one without grace", async () => {
    const { key, secret } = await newKey(db, org.actor);
    expect((await msUntilChanged(secret, "NOT_FOUND")).code).toBe("OK");
    const rotated = await rotateKey(db, org.actor, rotateKeySchema.parse({ keyId: key.id, grace: "none" }));
    const fresh = await msUntilChanged(rotated.secret, "NOT_FOUND");
    expect(fresh.code).toBe("OK");
    expect(fresh.ms).toBeLessThan(1000);
    expect((await verify(base, { key: secret })).json.code).toBe("EXPIRED");
  });
});

describe("shutdown under load", () => {
  it("writes every usage event acknowledged with a 200 before the process exits", async () => {
    const own = await createOrg(db, { keyPrefix: "sd" });
    const keys = await Promise.all([1, 2, 3].map(() => newKey(db, own.actor)));
    const second = await startChild(["tests/verify/support/verify-child.ts"], { DATABASE_URL: url }, /ready (\d+)/);
    const target = `http://127.0.0.1:${second.match[1]}`;
    let acknowledged = 0;
    let stopped = false;
    const worker = async (n: number) => {
      for (let i = 0; !stopped; i++) {
        try {
          const res = await verify(target, { key: keys[(n + i) % keys.length].secret, action: "read", resource: "projects/a" });
          if (res.status === 200) acknowledged += 1;
        } catch {
          return; // connection refused or reset: the server is going away
        }
      }
    };
    const workers = Array.from({ length: 16 }, (_, n) => worker(n));
    await sleep(700);
    const code = second.stop();
    expect(await code).toBe(0);
    stopped = true;
    await Promise.all(workers);
    expect(acknowledged).toBeGreaterThan(50);
    const written = await db.usageEvent.count({ where: { orgId: own.orgId } });
    expect(written).toBeGreaterThanOrEqual(acknowledged);
    const answered = Number(/usage: (\d+) verifications answered/.exec(second.output())?.[1]);
    expect(written).toBe(answered);
    const rollups = await db.usageRollup.aggregate({ where: { orgId: own.orgId }, _sum: { count: true } });
    expect(rollups._sum.count).toBe(written);
  });
});
