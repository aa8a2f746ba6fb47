import { describe, expect, it } from "vitest";
import { fanOut } from "@/lib/events/dispatcher";
import { recordEvent } from "@/lib/events/record";
import { markNotificationsRead, notificationsFor } from "@/lib/notifications/notifications";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { addMember } from "../support/members";

const { db } = await setUpTestDb();

async function emit(orgId: string, type: Parameters<typeof recordEvent>[1]["type"], payload: Record<string, unknown>) {
  await db.$transaction((tx) => recordEvent(tx, { orgId, type, payload }));
  while ((await fanOut(db)).events > 0);
}

describe("console notifications (the bell)", () => {
  it("leak, canary and webhook alerts go to admins and leads; expiry to the key's creator; unread counts per member", async () => {
    const org = await createOrg(db);
    const lead = await addMember(db, org.orgId, "lead");
    const auditor = await addMember(db, org.orgId, "auditor");
    const leadsKey = await makeKey(
      db,
      { ...org.actor, actor: { type: "user", id: lead.userId, label: lead.email } },
      { name: "Lead's key" },
    );

    await emit(org.orgId, "honeytoken.triggered", { key: { id: "key_x", name: "Canary" }, ip: "198.51.100.9" });
    await emit(org.orgId, "key.expiring", { key: { id: leadsKey.key.id, name: "Lead's key" }, daysLeft: 3 });
    await emit(org.orgId, "key.created", { key: { id: leadsKey.key.id } });

    const admin = await notificationsFor(db, org.orgId, org.userId);
    const forLead = await notificationsFor(db, org.orgId, lead.userId);
    const forAuditor = await notificationsFor(db, org.orgId, auditor.userId);
    expect(admin.items.map((n) => n.type)).toEqual(["honeytoken.triggered"]);
    expect(forLead.items.map((n) => n.type).sort()).toEqual(["honeytoken.triggered", "key.expiring"]);
    expect(forAuditor.items).toEqual([]);
    expect([admin.unread, forLead.unread, forAuditor.unread]).toEqual([1, 2, 0]);

    // Marking read is one member's own: the lead's read leaves the admin's unread.
    await markNotificationsRead(db, { orgId: org.orgId, userId: lead.userId }, "all");
    expect((await notificationsFor(db, org.orgId, lead.userId)).unread).toBe(0);
    expect((await notificationsFor(db, org.orgId, org.userId)).unread).toBe(1);
    // Another member's notification id changes nothing.
    await markNotificationsRead(db, { orgId: org.orgId, userId: lead.userId }, [admin.items[0].id]);
    expect((await notificationsFor(db, org.orgId, org.userId)).unread).toBe(1);
  });

  it("a batch of events fanned out together notifies each event's own recipients (creator still a member, key of the event's organization)", async () => {
    const org = await createOrg(db);
    const other = await createOrg(db, { name: "Other" });
    const lead = await addMember(db, org.orgId, "lead");
    const gone = await addMember(db, org.orgId, "auditor");
    const asMember = (m: { userId: string; email: string }) => ({
      ...org.actor,
      actor: { type: "user" as const, id: m.userId, label: m.email },
    });
    const leadsKey = await makeKey(db, asMember(lead), { name: "Lead's key" });
    const goneKey = await makeKey(db, asMember(gone), { name: "Leaver's key" });
    const adminsKey = await makeKey(db, org.actor, { name: "Admin's key" });
    const foreignKey = await makeKey(db, other.actor, { name: "Other org's key" });
    await db.membership.deleteMany({ where: { orgId: org.orgId, userId: gone.userId } });

    const expected = new Map<string, string[]>();
    const record = async (type: Parameters<typeof recordEvent>[1]["type"], payload: Record<string, unknown>, to: string[]) =>
      expected.set(await db.$transaction((tx) => recordEvent(tx, { orgId: org.orgId, type, payload })), to.sort());
    await record("key.new_address", { keyId: leadsKey.key.id, network: "198.51.100.0/24" }, [lead.userId]);
    await record("key.new_address", { keyId: adminsKey.key.id, network: "198.51.100.0/24" }, [org.userId]);
    await record("key.expiring", { key: { id: goneKey.key.id, name: "Leaver's key" }, daysLeft: 3 }, []);
    await record("key.expired", { key: { id: foreignKey.key.id, name: "Other org's key" } }, []);
    await record("key.denial_burst", { keyId: adminsKey.key.id, denials: 110 }, [org.userId, lead.userId]);
    await record("leak.reported", { key: { id: leadsKey.key.id } }, [org.userId, lead.userId]);
    await record("key.created", { key: { id: leadsKey.key.id } }, []);

    expect((await fanOut(db)).events).toBeGreaterThanOrEqual(expected.size);
    const rows = await db.notification.findMany({ where: { eventId: { in: [...expected.keys()] } } });
    for (const [eventId, to] of expected)
      expect(
        rows
          .filter((n) => n.eventId === eventId)
          .map((n) => n.userId)
          .sort(),
        `recipients of ${eventId}`,
      ).toEqual(to);
  });
});
