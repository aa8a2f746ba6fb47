// Two Keyward instances (the real server: Next + the verify path) on one database, as a scaled-out
// deployment on PostgreSQL runs them: a revoke made through one is enforced by the other within 1 second,
// and usage recorded by both lands exactly once, with rollups equal to the raw events.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testBackend, setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { verify } from "../verify/support/http";

const { db, url } = await setUpTestDb();
const servers: KeywardServer[] = [];

/** A key made in this process reaches an instance by its poll of Organization.keysVersion: wait for it (< 1 s). */
async function msUntil(server: KeywardServer, secret: string, wanted: string): Promise<number> {
  const started = Date.now();
  let code = "";
  while (Date.now() - started < 3000) {
    const res = await verify(server.url, { key: secret });
    code = res.json.valid ? "OK" : res.json.code;
    if (code === wanted) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${server.url} still answers ${code}, not ${wanted}, after 3 s`);
}
let org: Awaited<ReturnType<typeof createOrg>>;

// Both instances would share one SQLite file too, but PostgreSQL is the backend for running several.
describe.runIf(testBackend === "postgres")("two instances on one PostgreSQL database", () => {
  beforeAll(async () => {
    org = await createOrg(db, { keyPrefix: "mi" });
    for (let i = 0; i < 2; i++) servers.push(await startKeyward({ databaseUrl: url }));
  }, 900_000);
  afterAll(async () => {
    for (const server of servers) await server.stop();
  });

  it("enforces a revoke made through instance A on instance B within 1 second", async () => {
    const [a, b] = servers;
    const admin = await makeKey(db, org.actor, { name: "Admin", scopes: [{ action: "admin", resourceFilter: "keys/**" }] });
    const victim = await makeKey(db, org.actor, { name: "Victim" });
    // B has the victim cached as valid before the revoke.
    expect(await msUntil(b, victim.secret, "OK")).toBeLessThan(1000);
    const revoked = await fetch(`${a.url}/api/v1/keys/${victim.key.id}/revoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${admin.secret}`, "content-type": "application/json" },
      body: JSON.stringify({ reason: "two-instance test" }),
    });
    expect(revoked.status).toBe(200);
    expect(await msUntil(b, victim.secret, "REVOKED")).toBeLessThan(1000);
  });

  it("records usage from both instances without loss or double counting", async () => {
    const keys = await Promise.all([1, 2, 3, 4].map((n) => makeKey(db, org.actor, { name: `Load ${n}` })));
    for (const server of servers) for (const { secret } of keys) await msUntil(server, secret, "OK");
    // What the instances have recorded so far lands within their next batch (every 250 ms).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = await db.usageEvent.count({ where: { orgId: org.orgId } });
    const beforeRollups = (await db.usageRollup.aggregate({ where: { orgId: org.orgId }, _sum: { count: true } }))._sum.count ?? 0;
    let acknowledged = 0;
    // 4 keys × 2 instances × 150 requests, interleaved, with some denials (a scope this key lacks).
    await Promise.all(
      servers.flatMap((server) =>
        keys.map(async ({ secret }) => {
          for (let i = 0; i < 150; i++) {
            const body = i % 10 === 0 ? { key: secret, action: "write", resource: "projects/x" } : { key: secret };
            const res = await verify(server.url, body);
            if (res.status === 200) acknowledged += 1;
          }
        }),
      ),
    );
    expect(acknowledged).toBe(1200);
    // SIGTERM flushes each instance's buffer before it exits.
    for (const server of servers.splice(0)) await server.stop();

    const events = await db.usageEvent.count({ where: { orgId: org.orgId } });
    expect(events - before).toBe(1200);
    const perCell = await db.usageEvent.groupBy({ by: ["keyId", "outcome"], where: { orgId: org.orgId }, _count: true });
    const rollups = await db.usageRollup.groupBy({ by: ["keyId", "outcome"], where: { orgId: org.orgId }, _sum: { count: true } });
    const fromRollups = new Map(rollups.map((r) => [`${r.keyId}/${r.outcome}`, r._sum.count]));
    for (const cell of perCell) expect(fromRollups.get(`${cell.keyId}/${cell.outcome}`)).toBe(cell._count);
    expect(rollups.reduce((sum, r) => sum + (r._sum.count ?? 0), 0)).toBe(events);
    expect(events - before).toBe(rollups.reduce((sum, r) => sum + (r._sum.count ?? 0), 0) - beforeRollups);
    const denied = await db.usageEvent.count({
      where: { orgId: org.orgId, outcome: "INSUFFICIENT_SCOPE", keyId: { in: keys.map((k) => k.key.id) } },
    });
    expect(denied).toBe(4 * 2 * 15);
  });
});
