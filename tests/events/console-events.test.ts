import { describe, expect, it } from "vitest";
import { editKey } from "@/lib/api-keys/edit-key";
import { revokeKey } from "@/lib/api-keys/revoke-key";
import { rotateKey } from "@/lib/api-keys/rotate-key";
import { setKeyEnabled } from "@/lib/api-keys/set-key-enabled";
import { providerOfDb, type Db } from "@/lib/db/client";
import { acceptInvite, createInvite } from "@/lib/members/invites";
import { changeMemberRole, removeMember } from "@/lib/members/members";
import { updateKeyPolicy } from "@/lib/orgs/key-policy";
import { updateTwoFactorPolicy } from "@/lib/orgs/two-factor-policy";
import { editKeySchema, revokeKeySchema, rotateKeySchema } from "@/lib/validations/key";
import { setUpTestDb, testMeta } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { adminActor } from "../support/members";

const { db } = await setUpTestDb();

async function outbox(orgId: string) {
  const rows = await db.outboxEvent.findMany({ where: { orgId }, orderBy: { createdAt: "asc" } });
  return rows.map((r) => ({ id: r.id, type: r.type, payload: JSON.parse(r.payload) as Record<string, unknown>, raw: r.payload }));
}

/** A database-level failure of every insert of `action` into the audit log: the change's last write fails. */
async function failAuditOf(db: Db, action: string) {
  if (providerOfDb(db) === "postgres") {
    await db.$executeRawUnsafe(
      `CREATE OR REPLACE FUNCTION test_fail_audit() RETURNS trigger AS $$ BEGIN IF NEW."action" = '${action}' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
    );
    await db.$executeRawUnsafe(
      `CREATE TRIGGER test_fail_audit BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION test_fail_audit()`,
    );
    return () => db.$executeRawUnsafe(`DROP TRIGGER test_fail_audit ON "AuditEvent"`);
  }
  await db.$executeRawUnsafe(
    `CREATE TRIGGER test_fail_audit BEFORE INSERT ON "AuditEvent" WHEN NEW."action" = '${action}' BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
  );
  return () => db.$executeRawUnsafe(`DROP TRIGGER test_fail_audit`);
}

describe("console changes record their events in the outbox", () => {
  it("every key change records one event with the documented payload, never a secret, its last characters or a hash", async () => {
    const org = await createOrg(db);
    const { key, secret } = await makeKey(db, org.actor, { name: "Billing" });
    await editKey(db, org.actor, editKeySchema.parse({ keyId: key.id, name: "Billing sync" }));
    const rotated = await rotateKey(db, org.actor, rotateKeySchema.parse({ keyId: key.id, grace: "1h" }));
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: false });
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: true });
    await revokeKey(db, org.actor, revokeKeySchema.parse({ keyId: key.id, confirmName: "Billing sync", reason: "done" }));

    const events = await outbox(org.orgId);
    // Sorted: two changes in the same millisecond have no order in the outbox.
    expect(events.map((e) => e.type).sort()).toEqual(
      ["key.created", "key.updated", "key.rotated", "key.disabled", "key.enabled", "key.revoked"].sort(),
    );
    const of = (type: string) => events.find((e) => e.type === type)!.payload;
    for (const event of events) {
      expect(event.payload).toMatchObject({
        key: { id: key.id, environment: "live", createdById: org.userId },
        actor: { type: "user", id: org.userId, label: org.email },
      });
      expect(event.id).toMatch(/^evt_/);
    }
    expect(of("key.created")).toMatchObject({ key: { name: "Billing" }, scopes: [{ action: "read", resourceFilter: "projects/**" }] });
    expect(of("key.updated")).toMatchObject({ changed: ["name"], before: { name: "Billing" }, after: { name: "Billing sync" } });
    expect(of("key.rotated")).toMatchObject({ grace: "1h" });
    expect(of("key.disabled")).toMatchObject({ source: "console" });
    expect(of("key.revoked")).toMatchObject({ reason: "done", source: "console" });
    const hashes = (await db.keySecret.findMany({ where: { keyId: key.id } })).map((s) => s.secretHash);
    for (const event of events) {
      for (const forbidden of [secret, rotated.secret, secret.slice(-4), rotated.secret.slice(-4), ...hashes]) {
        expect(event.raw).not.toContain(forbidden);
      }
      expect(event.raw).not.toMatch(/secretHash|last4|signingSecret/);
    }
  });

  it("member and policy changes record member.* and policy.updated, never the invite link's token", async () => {
    const org = await createOrg(db);
    const admin = adminActor(org);
    const invite = await createInvite(db, admin, { email: "new.lead@example.com", role: "lead" });
    await acceptInvite(db, invite.token, "a new password 123", testMeta);
    const joined = await db.user.findUniqueOrThrow({ where: { email: "new.lead@example.com" } });
    const member = await db.membership.findFirstOrThrow({ where: { orgId: org.orgId, userId: joined.id } });
    await changeMemberRole(db, admin, member.id, "auditor");
    await removeMember(db, admin, member.id);
    await updateKeyPolicy(db, admin, {
      requireExpiry: true,
      maxLifetimeDays: 90,
      forbidWildcardCidr: false,
      forbidFullAccess: false,
      requireOwner: false,
      requireRateLimit: false,
    });
    await updateTwoFactorPolicy(db, admin, { requireTwoFactor: true });

    const events = await outbox(org.orgId);
    expect(events.map((e) => e.type).sort()).toEqual(
      ["member.invited", "member.joined", "member.role_changed", "member.removed", "policy.updated", "policy.updated"].sort(),
    );
    const of = (type: string) => events.filter((e) => e.type === type).map((e) => e.payload);
    expect(of("member.invited")[0]).toMatchObject({ invite: { id: invite.inviteId, email: "new.lead@example.com", role: "lead" } });
    expect(of("member.joined")[0]).toMatchObject({
      member: { userId: joined.id, email: "new.lead@example.com", role: "lead" },
      via: "invite",
    });
    expect(of("member.role_changed")[0]).toMatchObject({ member: { userId: joined.id, role: "auditor" }, before: { role: "lead" } });
    expect(of("member.removed")[0]).toMatchObject({ member: { userId: joined.id, role: "auditor" }, actor: { id: org.userId } });
    expect(of("policy.updated")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ policy: "keys", after: { requireExpiry: true, maxLifetimeDays: 90 } }),
        expect.objectContaining({ policy: "two_factor", after: { requireTwoFactor: true } }),
      ]),
    );
    for (const event of events) expect(event.raw).not.toContain(invite.token);
  });

  it("a change that rolls back records nothing: its event goes with it", async () => {
    const org = await createOrg(db);
    const { key } = await makeKey(db, org.actor, { name: "Doomed" });
    const before = (await outbox(org.orgId)).length;
    // The revoke writes the key, then its event, then its audit event, which the database refuses.
    const restore = await failAuditOf(db, "key.revoked");
    try {
      await expect(revokeKey(db, org.actor, revokeKeySchema.parse({ keyId: key.id, confirmName: "Doomed" }))).rejects.toThrow();
    } finally {
      await restore();
    }
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();
    expect(await outbox(org.orgId)).toHaveLength(before);
    expect(await db.outboxEvent.count({ where: { orgId: org.orgId, type: "key.revoked" } })).toBe(0);
  });
});
