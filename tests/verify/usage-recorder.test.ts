import { describe, expect, it } from "vitest";
import type { UsageEventInput } from "@/lib/usage/event";
import { pruneUsageEvents } from "@/lib/usage/prune";
import { UsageRecorder } from "@/lib/usage/recorder";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { newKey } from "./support/keys";

const { db, url } = await setUpTestDb();

function event(orgId: string, keyId: string, at: Date, outcome: UsageEventInput["outcome"] = "OK"): UsageEventInput {
  return { orgId, keyId, at, outcome, action: "read", resource: "a/b", ip: "192.0.2.1", userAgent: "test" };
}

describe("usage recorder", () => {
  it("adds to the same hourly rollup from two recorders (atomic increments, not overwrites)", async () => {
    const { orgId, actor } = await createOrg(db, { keyPrefix: "ur" });
    const { key } = await newKey(db, actor);
    const at = new Date();
    const a = new UsageRecorder(db, { url });
    const b = new UsageRecorder(db, { url });
    for (let i = 0; i < 700; i++) a.record(event(orgId, key.id, at));
    for (let i = 0; i < 300; i++) b.record(event(orgId, key.id, at));
    b.record(event(orgId, key.id, at, "IP_NOT_ALLOWED"));
    await Promise.all([a.close(), b.close()]);
    const rollups = await db.usageRollup.findMany({ where: { keyId: key.id }, orderBy: { outcome: "asc" } });
    expect(rollups.map((r) => [r.outcome, r.count])).toEqual([
      ["IP_NOT_ALLOWED", 1],
      ["OK", 1000],
    ]);
    expect(rollups[0].hour.getTime() % 3_600_000).toBe(0);
    expect(await db.usageEvent.count({ where: { keyId: key.id } })).toBe(1001);
    expect(a.getStats()).toMatchObject({ recorded: 700, written: 700, buffered: 0, dropped: 0 });
  });

  it("keeps the newest use as the key's last use, whichever batch lands last", async () => {
    const { orgId, actor } = await createOrg(db, { keyPrefix: "ul" });
    const { key } = await newKey(db, actor);
    const newer = new Date(Date.now() - 1000);
    const older = new Date(Date.now() - 60_000);
    const recorder = new UsageRecorder(db, { url });
    recorder.record({ ...event(orgId, key.id, newer), ip: "198.51.100.2" });
    await recorder.flush();
    recorder.record({ ...event(orgId, key.id, older), ip: "198.51.100.1" });
    recorder.record({ ...event(orgId, key.id, new Date(), "REVOKED"), ip: "198.51.100.3" });
    await recorder.close();
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.lastUsedAt?.getTime()).toBe(newer.getTime());
    expect(row.lastUsedIp).toBe("198.51.100.2");
  });

  it("rewrites a key's last use at most once a minute from the same client, and at once from a new one", async () => {
    const { orgId, actor } = await createOrg(db, { keyPrefix: "um" });
    const { key } = await newKey(db, actor);
    const t = Date.now() - 10 * 60_000;
    const recorder = new UsageRecorder(db, { url });
    const useAt = async (offsetMs: number, ip: string) => {
      recorder.record({ ...event(orgId, key.id, new Date(t + offsetMs)), ip });
      await recorder.flush();
      const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id } });
      return [row.lastUsedAt!.getTime() - t, row.lastUsedIp];
    };
    expect(await useAt(0, "192.0.2.1")).toEqual([0, "192.0.2.1"]);
    expect(await useAt(10_000, "192.0.2.1")).toEqual([0, "192.0.2.1"]);
    expect(await useAt(20_000, "192.0.2.9")).toEqual([20_000, "192.0.2.9"]);
    expect(await useAt(70_000, "192.0.2.9")).toEqual([20_000, "192.0.2.9"]);
    expect(await useAt(81_000, "192.0.2.9")).toEqual([81_000, "192.0.2.9"]);
    await recorder.close();
    // Every use is still an event and counted in the rollups, in the hour it happened.
    expect(await db.usageEvent.count({ where: { keyId: key.id } })).toBe(5);
    const hourOf = (ms: number) => Math.floor(ms / 3_600_000) * 3_600_000;
    const expected = new Map<number, number>();
    for (const offset of [0, 10_000, 20_000, 70_000, 81_000]) expected.set(hourOf(t + offset), (expected.get(hourOf(t + offset)) ?? 0) + 1);
    const rollups = await db.usageRollup.findMany({ where: { keyId: key.id } });
    expect(new Map(rollups.map((r) => [r.hour.getTime(), r.count]))).toEqual(expected);
  });

  it("prunes raw events past the retention period in batches and keeps the rollups", async () => {
    const { orgId, actor } = await createOrg(db, { keyPrefix: "up" });
    const { key } = await newKey(db, actor);
    const now = new Date();
    const recorder = new UsageRecorder(db, { url });
    for (let i = 0; i < 25; i++) recorder.record(event(orgId, key.id, new Date(now.getTime() - 100 * 86_400_000)));
    for (let i = 0; i < 5; i++) recorder.record(event(orgId, key.id, new Date(now.getTime() - 10 * 86_400_000)));
    await recorder.close();
    const deleted = await pruneUsageEvents(db, { retentionDays: 90, batchSize: 10, pauseMs: 0, now });
    expect(deleted).toBe(25);
    expect(await db.usageEvent.count({ where: { keyId: key.id } })).toBe(5);
    const rollups = await db.usageRollup.aggregate({ where: { keyId: key.id }, _sum: { count: true } });
    expect(rollups._sum.count).toBe(30);
  });
});
