// A member of organization A who holds organization B's ids or invite tokens gets not-found and changes
// nothing in B: every service is scoped by the actor's organization, never by the id alone.
import { describe, expect, it } from "vitest";
import { editKey } from "@/lib/api-keys/edit-key";
import { bulkRevokeKeys, revokeKey, revokeKeyById } from "@/lib/api-keys/revoke-key";
import { rotateKey } from "@/lib/api-keys/rotate-key";
import { runAction } from "@/lib/actions/run-action";
import { createInvite, revokeInvite } from "@/lib/members/invites";
import { changeMemberRole, removeMember } from "@/lib/members/members";
import { getKeyDetail } from "@/lib/queries/keys";
import { bulkRevokeSchema, editKeySchema, revokeKeySchema, rotateKeySchema } from "@/lib/validations/key";
import { changeMemberRoleSchema, removeMemberSchema, revokeInviteSchema } from "@/lib/validations/member";
import type { Db } from "@/lib/db/client";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { addMember, adminActor } from "../support/members";

const { db } = await setUpTestDb();

async function snapshotOf(db: Db, orgId: string) {
  const [org, keys, memberships, invites, sessions, audit] = await Promise.all([
    db.organization.findUniqueOrThrow({ where: { id: orgId } }),
    db.apiKey.findMany({ where: { orgId }, include: { secrets: true, scopes: true, cidrs: true }, orderBy: { id: "asc" } }),
    db.membership.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    db.invite.findMany({ where: { orgId }, orderBy: { id: "asc" } }),
    db.session.count(),
    db.auditEvent.count({ where: { orgId } }),
  ]);
  return JSON.stringify({ org, keys, memberships, invites, sessions, audit });
}

describe("cross-organization isolation", async () => {
  const a = await createOrg(db, { name: "Alpha" });
  const b = await createOrg(db, { name: "Beta" });
  const bKey = (await makeKey(db, b.actor, { name: "Beta key" })).key;
  const bLead = await addMember(db, b.orgId, "lead");
  const bInvite = await createInvite(db, adminActor(b), { email: "beta.invitee@example.com", role: "auditor" });
  // An admin of A: the strongest role that could try.
  const aAdmin = adminActor(a);
  const aKeyActor = a.actor;

  const attempts: [string, () => Promise<{ ok: boolean; code?: string }>][] = [
    ["edit B's key", () => runAction(editKeySchema, { keyId: bKey.id, name: "pwned" }, (i) => editKey(db, aKeyActor, i))],
    ["rotate B's key", () => runAction(rotateKeySchema, { keyId: bKey.id, grace: "none" }, (i) => rotateKey(db, aKeyActor, i))],
    ["revoke B's key", () => runAction(revokeKeySchema, { keyId: bKey.id, confirmName: "Beta key" }, (i) => revokeKey(db, aKeyActor, i))],
    [
      "revoke B's key by id",
      async () => {
        const r = await revokeKeyById(db, aKeyActor, bKey.id, "x");
        return r.outcome === "not_found" ? { ok: false, code: "NOT_FOUND" } : { ok: true };
      },
    ],
    [
      "bulk-revoke B's key",
      async () => {
        const results = await bulkRevokeKeys(db, aKeyActor, bulkRevokeSchema.parse({ keyIds: [bKey.id], confirmation: "revoke 1 key" }));
        return results.every((r) => r.outcome === "not_found") ? { ok: false, code: "NOT_FOUND" } : { ok: true };
      },
    ],
    [
      "change B's member's role",
      () =>
        runAction(changeMemberRoleSchema, { memberId: bLead.memberId, role: "admin" }, (i) =>
          changeMemberRole(db, aAdmin, i.memberId, i.role),
        ),
    ],
    ["remove B's member", () => runAction(removeMemberSchema, { memberId: bLead.memberId }, (i) => removeMember(db, aAdmin, i.memberId))],
    ["revoke B's invite", () => runAction(revokeInviteSchema, { inviteId: bInvite.inviteId }, (i) => revokeInvite(db, aAdmin, i.inviteId))],
  ];

  it.each(attempts)("%s → not found, B unchanged", async (_label, attempt) => {
    const before = await snapshotOf(db, b.orgId);
    const result = await attempt();
    expect(result.ok).toBe(false);
    expect(result.code).toBe("NOT_FOUND");
    expect(await snapshotOf(db, b.orgId)).toBe(before);
  });

  it("reading B's key from A finds nothing", async () => {
    expect(await getKeyDetail(db, a.orgId, bKey.id)).toBeNull();
    expect(await getKeyDetail(db, b.orgId, bKey.id)).not.toBeNull();
  });

  it("B's invite token joins only the invited address, never A's member as themselves", async () => {
    const { acceptInvite } = await import("@/lib/members/invites");
    const before = await snapshotOf(db, b.orgId);
    // A's admin knows the token but not the invitee's chosen password: accepting creates the invitee's
    // account (that is what the link is for) — it never adds A's admin to B.
    await acceptInvite(db, bInvite.token, "invitee password 1", { ip: null, userAgent: null });
    expect(await db.membership.count({ where: { orgId: b.orgId, userId: a.userId } })).toBe(0);
    expect(before).not.toBe(await snapshotOf(db, b.orgId));
    const joined = await db.membership.findFirstOrThrow({ where: { orgId: b.orgId, user: { email: "beta.invitee@example.com" } } });
    expect(joined.role).toBe("auditor");
  });
});
