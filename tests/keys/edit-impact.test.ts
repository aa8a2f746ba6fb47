import { describe, expect, it } from "vitest";
import { getEditImpact } from "@/lib/queries/edit-impact";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";

// Issue 15 §4: before a scope or allowed-IP change is saved, the key's allowed requests of the last 30 days
// say what the change would refuse — counted from raw usage events with the matchers verify uses.

const { db } = await setUpTestDb();
const DAY = 86_400_000;
const now = new Date();

type Traffic = { ip: string; action: string | null; resource: string | null; count: number; daysAgo?: number; outcome?: string };

async function seed(orgId: string, keyId: string, traffic: Traffic[]) {
  const rows = traffic.flatMap((t) =>
    Array.from({ length: t.count }, (_, i) => ({
      orgId,
      keyId,
      at: new Date(now.getTime() - (t.daysAgo ?? 1) * DAY - i * 1000),
      outcome: t.outcome ?? "OK",
      action: t.action,
      resource: t.resource,
      ip: t.ip,
      userAgent: "curl/8",
    })),
  );
  await db.usageEvent.createMany({ data: rows });
}

async function keyWithTraffic() {
  const org = await createOrg(db, { name: "Impact" });
  const { key } = await makeKey(db, org.actor, {
    name: "Cart service",
    scopes: [
      { action: "write", resourceFilter: "carts/**" },
      { action: "read", resourceFilter: "products/**" },
    ],
    cidrs: ["203.0.113.0/24", "198.51.100.0/24"],
  });
  await seed(org.orgId, key.id, [
    { ip: "203.0.113.42", action: "write", resource: "carts/eu/1", count: 30 },
    { ip: "203.0.113.42", action: "read", resource: "products/shoes", count: 12 },
    { ip: "203.0.113.7", action: "write", resource: "carts/us/9", count: 9 },
    { ip: "198.51.100.5", action: "read", resource: "products/hats", count: 4 },
    // Not counted: refused already, older than 30 days, or without an action (no scope is checked then).
    { ip: "203.0.113.99", action: "write", resource: "carts/x", count: 50, outcome: "IP_NOT_ALLOWED" },
    { ip: "203.0.113.250", action: "write", resource: "carts/old", count: 20, daysAgo: 31 },
    { ip: "198.51.100.5", action: null, resource: null, count: 3 },
  ]);
  return { org, key };
}

describe("the edit impact of a scope or allowed-IP change", () => {
  it("names each client address outside the new ranges with its requests, and the requests no scope covers any more", async () => {
    const { org, key } = await keyWithTraffic();
    const impact = await getEditImpact(
      db,
      org.orgId,
      key.id,
      { cidrs: ["203.0.113.0/28"], scopes: [{ action: "read", resourceFilter: "products/**" }] },
      { now, retentionDays: 90 },
    );
    expect(impact).toMatchObject({ days: 30, truncatedByRetention: false, sampled: false, requests: 58 });
    // 203.0.113.42 and 198.51.100.5 are outside 203.0.113.0/28; 203.0.113.7 is inside.
    expect(impact!.addresses).toEqual({
      count: 2,
      requests: 42 + 7,
      top: [
        { ip: "203.0.113.42", requests: 42 },
        { ip: "198.51.100.5", requests: 7 },
      ],
    });
    expect(impact!.scopes).toEqual([{ action: "write", resourceFilter: "carts/**", requests: 39 }]);
  });

  it("says nothing breaks when the change keeps every recorded request, and leaves unchanged fields alone", async () => {
    const { org, key } = await keyWithTraffic();
    const widen = await getEditImpact(db, org.orgId, key.id, { cidrs: ["203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8"] }, { now });
    expect(widen).toMatchObject({ addresses: { count: 0, requests: 0, top: [] }, scopes: null });
    const narrowScope = await getEditImpact(
      db,
      org.orgId,
      key.id,
      {
        scopes: [
          { action: "write", resourceFilter: "carts/*/*" },
          { action: "read", resourceFilter: "products/*" },
        ],
      },
      { now },
    );
    expect(narrowScope).toMatchObject({ addresses: null, scopes: [] });
  });

  it("reports a window truncated by a shorter retention, and counts only inside it", async () => {
    const { org, key } = await keyWithTraffic();
    await seed(org.orgId, key.id, [{ ip: "192.0.2.1", action: "read", resource: "products/a", count: 5, daysAgo: 10 }]);
    const impact = await getEditImpact(db, org.orgId, key.id, { cidrs: ["203.0.113.0/24"] }, { now, retentionDays: 7 });
    expect(impact).toMatchObject({ days: 7, truncatedByRetention: true });
    expect(impact!.addresses!.top.map((a) => a.ip)).toEqual(["198.51.100.5"]);
  });

  it("says when only the newest events were examined", async () => {
    const { org, key } = await keyWithTraffic();
    const impact = await getEditImpact(db, org.orgId, key.id, { cidrs: ["10.0.0.0/8"] }, { now, eventLimit: 10 });
    expect(impact).toMatchObject({ sampled: true, requests: 10 });
    expect(impact!.sampledSince).not.toBeNull();
  });

  it("answers null for another organization's key", async () => {
    const { key } = await keyWithTraffic();
    const other = await createOrg(db, { name: "Other" });
    expect(await getEditImpact(db, other.orgId, key.id, { cidrs: ["10.0.0.0/8"] }, { now })).toBeNull();
  });
});
