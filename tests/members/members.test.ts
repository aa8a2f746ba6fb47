import { describe, expect, it } from "vitest";
import { runAction } from "@/lib/actions/run-action";
import { hashPassword } from "@/lib/auth/password";
import { loadSessionContext } from "@/lib/auth/session-context";
import {
  createInvite,
  acceptInvite,
  ALREADY_MEMBER,
  INVITE_INVALID,
  INVITE_TTL_MS,
  revokeInvite,
  findUsableInvite,
} from "@/lib/members/invites";
import { changeMemberRole, LAST_ADMIN, removeMember } from "@/lib/members/members";
import { createOrganization } from "@/lib/orgs/create-organization";
import { switchOrganization } from "@/lib/orgs/switch-organization";
import { acceptInviteSchema, changeMemberRoleSchema, inviteMemberSchema } from "@/lib/validations/member";
import { testMeta, setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { addMember, adminActor } from "../support/members";

const { db } = await setUpTestDb();

describe("invites", () => {
  it("stores only the token's hash, returns the token once, and a link works exactly once", async () => {
    const org = await createOrg(db);
    const invite = await createInvite(db, adminActor(org), { email: "new.lead@example.com", role: "lead" });
    expect(invite.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await db.invite.findUniqueOrThrow({ where: { id: invite.inviteId } });
    expect(JSON.stringify(stored)).not.toContain(invite.token);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "member.invited", targetId: invite.inviteId } });
    expect(audit.data).not.toContain(invite.token);

    const accepted = await acceptInvite(db, invite.token, "a new password 123", testMeta);
    const ctx = await loadSessionContext(db, accepted.token);
    expect(ctx).toMatchObject({ org: { id: org.orgId }, role: "lead", user: { email: "new.lead@example.com" } });
    const user = await db.user.findUniqueOrThrow({ where: { email: "new.lead@example.com" } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);

    const again = await runAction(acceptInviteSchema, { token: invite.token, password: "a new password 123" }, (i) =>
      acceptInvite(db, i.token, i.password, testMeta),
    );
    expect(again).toMatchObject({ ok: false, code: "NOT_FOUND", error: INVITE_INVALID });
    expect(await db.membership.count({ where: { orgId: org.orgId } })).toBe(2);
  });

  it("refuses an expired invite and a revoked one", async () => {
    const org = await createOrg(db);
    const expired = await createInvite(
      db,
      adminActor(org),
      { email: "late@example.com", role: "auditor" },
      new Date(Date.now() - INVITE_TTL_MS - 1000),
    );
    await expect(acceptInvite(db, expired.token, "a new password 123", testMeta)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const revoked = await createInvite(db, adminActor(org), { email: "revoked@example.com", role: "auditor" });
    await revokeInvite(db, adminActor(org), revoked.inviteId);
    expect(await findUsableInvite(db, revoked.token)).toBeNull();
    expect(await db.user.count({ where: { email: { in: ["late@example.com", "revoked@example.com"] } } })).toBe(0);
  });

  it("a new account must choose a long enough password; an existing one proves its own", async () => {
    const org = await createOrg(db);
    const short = await createInvite(db, adminActor(org), { email: "short@example.com", role: "lead" });
    const result = await runAction(acceptInviteSchema, { token: short.token, password: "short" }, (i) =>
      acceptInvite(db, i.token, i.password, testMeta),
    );
    expect(result).toMatchObject({ ok: false, code: "VALIDATION", fieldErrors: { password: "Use at least 12 characters" } });
    expect(await findUsableInvite(db, short.token)).not.toBeNull();

    const other = await createOrg(db, { name: "Other" });
    await db.user.update({ where: { id: other.userId }, data: { passwordHash: await hashPassword("existing password 1") } });
    const invite = await createInvite(db, adminActor(org), { email: other.email, role: "auditor" });
    await expect(acceptInvite(db, invite.token, "wrong password 11", { ip: "198.51.100.44", userAgent: null })).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
    expect(await db.membership.count({ where: { orgId: org.orgId, userId: other.userId } })).toBe(0);
    const joined = await acceptInvite(db, invite.token, "existing password 1", testMeta);
    const ctx = await loadSessionContext(db, joined.token);
    expect(ctx?.org.id).toBe(org.orgId);
    expect(ctx?.memberships.map((m) => m.orgId).sort()).toEqual([org.orgId, other.orgId].sort());
  });

  it("refuses inviting an existing member, with a field error", async () => {
    const org = await createOrg(db);
    const result = await runAction(inviteMemberSchema, { email: org.email, role: "lead" }, (i) => createInvite(db, adminActor(org), i));
    expect(result).toMatchObject({ ok: false, code: "CONFLICT", fieldErrors: { email: ALREADY_MEMBER } });
  });
});

describe("roles and removal", () => {
  it("the last admin can't be demoted or removed; with a second admin they can", async () => {
    const org = await createOrg(db);
    const me = adminActor(org);
    const myMembership = await db.membership.findFirstOrThrow({ where: { orgId: org.orgId, userId: org.userId } });
    await expect(changeMemberRole(db, me, myMembership.id, "lead")).rejects.toMatchObject({ code: "CONFLICT", message: LAST_ADMIN });
    await expect(removeMember(db, me, myMembership.id)).rejects.toMatchObject({ code: "CONFLICT", message: LAST_ADMIN });
    expect((await db.membership.findUniqueOrThrow({ where: { id: myMembership.id } })).role).toBe("admin");

    const second = await addMember(db, org.orgId, "lead");
    await changeMemberRole(db, me, second.memberId, "admin");
    await changeMemberRole(db, me, myMembership.id, "auditor");
    expect((await db.membership.findUniqueOrThrow({ where: { id: myMembership.id } })).role).toBe("auditor");
    const audit = await db.auditEvent.findFirstOrThrow({
      where: { orgId: org.orgId, action: "member.role_changed", targetId: org.userId },
    });
    expect(JSON.parse(audit.data)).toMatchObject({ before: { role: "admin" }, after: { role: "auditor" } });
  });

  it("two admins demoting each other at once leave one admin", async () => {
    const org = await createOrg(db);
    const a = await db.membership.findFirstOrThrow({ where: { orgId: org.orgId, userId: org.userId } });
    const b = await addMember(db, org.orgId, "admin");
    const results = await Promise.allSettled([
      changeMemberRole(db, adminActor(org), b.memberId, "lead"),
      changeMemberRole(db, b.actor, a.id, "lead"),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.membership.count({ where: { orgId: org.orgId, role: "admin" } })).toBe(1);
  });

  it("a role change applies on the next request; removal ends the member's sessions at once", async () => {
    const org = await createOrg(db);
    const lead = await addMember(db, org.orgId, "lead");
    await changeMemberRole(db, adminActor(org), lead.memberId, "auditor");
    expect((await loadSessionContext(db, lead.token))?.role).toBe("auditor");

    const removed = await removeMember(db, adminActor(org), lead.memberId);
    expect(removed.endedSessions).toBe(1);
    expect(await loadSessionContext(db, lead.token)).toBeNull();
    expect(await db.session.count({ where: { userId: lead.userId } })).toBe(0);
  });

  it("rejects a malformed role or member id with field errors", async () => {
    const org = await createOrg(db);
    const bad = await runAction(changeMemberRoleSchema, { memberId: "x", role: "owner" }, (i) =>
      changeMemberRole(db, adminActor(org), i.memberId, i.role),
    );
    expect(bad).toMatchObject({ ok: false, code: "VALIDATION" });
    if (!bad.ok) expect(Object.keys(bad.fieldErrors ?? {}).sort()).toEqual(["memberId", "role"]);
  });
});

describe("several organizations", () => {
  it("creating one bootstraps it apart (own signing secret and prefix, creator admin) and the session can switch", async () => {
    const org = await createOrg(db, { name: "First" });
    const { token } = await addMember(db, org.orgId, "admin");
    const ctx = (await loadSessionContext(db, token))!;
    const { orgId } = await createOrganization(
      db,
      { userId: ctx.user.id, email: ctx.user.email, meta: testMeta },
      { name: "Second", keyPrefix: "sec" },
    );
    const [first, second] = await Promise.all([
      db.organization.findUniqueOrThrow({ where: { id: org.orgId } }),
      db.organization.findUniqueOrThrow({ where: { id: orgId } }),
    ]);
    expect(second).toMatchObject({ name: "Second", keyPrefix: "sec" });
    expect(second.signingSecretEnc).not.toBe(first.signingSecretEnc);
    expect(await db.auditEvent.count({ where: { orgId, action: "org.bootstrapped" } })).toBe(1);

    await switchOrganization(db, { sessionId: ctx.sessionId, userId: ctx.user.id }, orgId);
    expect(await loadSessionContext(db, token)).toMatchObject({ org: { id: orgId }, role: "admin" });
    expect((await loadSessionContext(db, token))?.memberships).toHaveLength(2);
  });

  it("can't switch to an organization one is not a member of", async () => {
    const org = await createOrg(db);
    const stranger = await createOrg(db, { name: "Stranger" });
    const { token } = await addMember(db, org.orgId, "lead");
    const ctx = (await loadSessionContext(db, token))!;
    await expect(switchOrganization(db, { sessionId: ctx.sessionId, userId: ctx.user.id }, stranger.orgId)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await loadSessionContext(db, token))?.org.id).toBe(org.orgId);
  });
});
