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
  while ((await fanOut(db)) > 0);
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
});
