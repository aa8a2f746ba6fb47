import { describe, expect, it } from "vitest";
import { createKey, KEY_NAME_TAKEN } from "@/lib/api-keys/create-key";
import { editKey } from "@/lib/api-keys/edit-key";
import { findLeakedKeys } from "@/lib/api-keys/find-leaked";
import { bulkRevokeKeys, revokeKey } from "@/lib/api-keys/revoke-key";
import { expireGraceSecret } from "@/lib/api-keys/expire-grace-secret";
import { rotateKey } from "@/lib/api-keys/rotate-key";
import { runAction } from "@/lib/actions/run-action";
import { hashSecret } from "@/lib/keys";
import { openSigningSecret } from "@/lib/orgs/signing-secret";
import {
  bulkRevokeSchema,
  createKeySchema,
  editKeySchema,
  expireGraceSecretSchema,
  revokeKeySchema,
  rotateKeySchema,
} from "@/lib/validations/key";
import { setUpTestDb } from "../support/db";
import { baseKeyInput, createOrg, makeKey } from "../support/fixtures";

const { db } = await setUpTestDb();

async function keyRowCounts() {
  return {
    keys: await db.apiKey.count(),
    secrets: await db.keySecret.count(),
    scopes: await db.keyScope.count(),
    cidrs: await db.keyCidr.count(),
    audit: await db.auditEvent.count(),
  };
}

describe("key lifecycle services", () => {
  it("creates a key storing only the HMAC of its secret", async () => {
    const { orgId, actor } = await createOrg(db);
    const created = await makeKey(db, actor, {
      name: "Deploy bot",
      scopes: [
        { action: "read", resourceFilter: "projects/**" },
        { action: "write", resourceFilter: "deploys/*" },
      ],
      cidrs: ["10.0.0.0/8", "2001:db8::/32"],
    });
    expect(created.secret).toMatch(/^kw_live_[A-Za-z0-9]{38}$/);
    expect(created.key.display).toBe(`kw_live_…${created.secret.slice(-4)}`);
    const stored = await db.keySecret.findFirstOrThrow({ where: { keyId: created.key.id } });
    const org = await db.organization.findUniqueOrThrow({ where: { id: orgId } });
    expect(stored.secretHash).toBe(hashSecret(openSigningSecret(org.id, org.signingSecretEnc), created.secret));
    expect(JSON.stringify(await db.apiKey.findMany({ include: { secrets: true } }))).not.toContain(created.secret);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "key.created", targetId: created.key.id } });
    expect(audit.data).not.toContain(created.secret);
    expect(created.key.scopes).toEqual([
      { action: "read", resourceFilter: "projects/**" },
      { action: "write", resourceFilter: "deploys/*" },
    ]);
  });

  it.each([
    ["duplicate name", { name: "Dup" }, "name", KEY_NAME_TAKEN],
    ["invalid CIDR", { cidrs: ["10.0.0.1/8"] }, "cidrs.0", /10\.0\.0\.0\/8/],
    ["past expiry", { expiry: { preset: "custom", customAt: "2001-01-01T00:00:00Z" } }, "expiry.customAt", /not in the future/i],
    ["empty scopes", { scopes: [] }, "scopes", /at least one scope/i],
    ["10k-char name", { name: "n".repeat(10_000) }, "name", /64/],
  ] as const)("refuses %s with a field error and writes nothing", async (_label, overrides, field, message) => {
    const { actor } = await createOrg(db);
    await makeKey(db, actor, { name: "Dup" });
    const before = await keyRowCounts();
    const result = await runAction(createKeySchema, { ...baseKeyInput, ...overrides }, (input) => createKey(db, actor, input));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.fieldErrors?.[field]).toMatch(message);
    expect(await keyRowCounts()).toEqual(before);
  });

  it("allows reusing the name of a revoked key", async () => {
    const { actor } = await createOrg(db);
    const first = await makeKey(db, actor, { name: "Reused" });
    await revokeKey(db, actor, revokeKeySchema.parse({ keyId: first.key.id, confirmName: "Reused" }));
    const second = await makeKey(db, actor, { name: "Reused" });
    expect(second.key.id).not.toBe(first.key.id);
  });

  it("edits with before/after in the audit log and refuses another org's key id", async () => {
    const { actor } = await createOrg(db);
    const other = await createOrg(db, { name: "Other" });
    const { key } = await makeKey(db, actor, { name: "Edit me", cidrs: ["203.0.113.0/24"] });
    const edited = await editKey(db, actor, editKeySchema.parse({ keyId: key.id, cidrs: ["198.51.100.0/24"] }));
    expect(edited.key.cidrs).toEqual(["198.51.100.0/24"]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "key.updated", targetId: key.id } });
    expect(JSON.parse(audit.data)).toEqual({ before: { cidrs: ["203.0.113.0/24"] }, after: { cidrs: ["198.51.100.0/24"] } });

    const before = await keyRowCounts();
    const result = await runAction(editKeySchema, { keyId: key.id, name: "Hijacked" }, (input) => editKey(db, other.actor, input));
    expect(result).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await keyRowCounts()).toEqual(before);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).name).toBe("Edit me");
  });

  it("rotates: new secret, old one superseded with its grace period", async () => {
    const { actor } = await createOrg(db);
    const { key, secret } = await makeKey(db, actor, { name: "Rotate me" });
    const now = new Date();
    const rotated = await rotateKey(db, actor, rotateKeySchema.parse({ keyId: key.id, grace: "1h" }), now);
    expect(rotated.secret).not.toBe(secret);
    const secrets = await db.keySecret.findMany({ where: { keyId: key.id }, orderBy: { createdAt: "asc" } });
    expect(secrets).toHaveLength(2);
    expect(secrets[0].supersededAt?.getTime()).toBe(now.getTime());
    expect(secrets[0].validUntil?.getTime()).toBe(now.getTime() + 3_600_000);
    expect(rotated.key.secrets?.[0]).toMatchObject({ current: true });
    expect(rotated.key.secrets?.[1]).toMatchObject({ current: false });
  });

  it("expire now ends only a superseded secret still in its grace period, of this organization, and audits it", async () => {
    const { actor } = await createOrg(db);
    const other = await createOrg(db, { name: "Other" });
    const { key } = await makeKey(db, actor, { name: "Grace me" });
    const now = new Date();
    await rotateKey(db, actor, rotateKeySchema.parse({ keyId: key.id, grace: "1h" }), now);
    const [old, current] = await db.keySecret.findMany({ where: { keyId: key.id }, orderBy: { createdAt: "asc" } });
    const expire = (by: typeof actor, secretId: string) =>
      runAction(expireGraceSecretSchema, { keyId: key.id, secretId }, (input) => expireGraceSecret(db, by, input, now));

    const before = await keyRowCounts();
    expect(await expire(other.actor, old.id)).toMatchObject({ ok: false, code: "NOT_FOUND" });
    expect(await expire(actor, current.id)).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await expire(actor, "sec_nope")).toMatchObject({ ok: false, fieldErrors: { secretId: "That is not a valid secret id" } });
    expect(await keyRowCounts()).toEqual(before);

    expect(await expire(actor, old.id)).toMatchObject({ ok: true });
    expect((await db.keySecret.findUniqueOrThrow({ where: { id: old.id } })).validUntil?.getTime()).toBe(now.getTime());
    expect((await db.keySecret.findUniqueOrThrow({ where: { id: current.id } })).validUntil).toBeNull();
    const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: key.id, action: "key.secret_expired" } });
    expect(JSON.parse(audit.data)).toMatchObject({ last4: old.last4 });
    expect(await expire(actor, old.id)).toMatchObject({ ok: false, code: "CONFLICT" });
  });

  it("revokes only with the typed name; bulk reports per key", async () => {
    const { actor } = await createOrg(db);
    const other = await createOrg(db, { name: "Other" });
    const a = await makeKey(db, actor, { name: "A" });
    const b = await makeKey(db, actor, { name: "B" });
    const foreign = await makeKey(db, other.actor, { name: "Foreign" });
    const wrong = await runAction(revokeKeySchema, { keyId: a.key.id, confirmName: "a" }, (input) => revokeKey(db, actor, input));
    expect(wrong).toMatchObject({ ok: false, fieldErrors: { confirmName: "That doesn't match the key's name" } });
    await revokeKey(db, actor, revokeKeySchema.parse({ keyId: a.key.id, confirmName: "A", reason: "leaked" }));
    const results = await bulkRevokeKeys(
      db,
      actor,
      bulkRevokeSchema.parse({ keyIds: [a.key.id, b.key.id, foreign.key.id], confirmation: "revoke 3 keys" }),
    );
    expect(results.map((r) => r.outcome)).toEqual(["already_revoked", "revoked", "not_found"]);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: foreign.key.id } })).revokedAt).toBeNull();
  });

  it("finds leaked secrets of this organization in pasted text, and only those", async () => {
    const { orgId, actor } = await createOrg(db);
    const other = await createOrg(db, { name: "Other" });
    const mine = await makeKey(db, actor, { name: "Mine" });
    const theirs = await makeKey(db, other.actor, { name: "Theirs" });
    const text = `2026-11-25 GET /v1?key=${mine.secret} ua=curl\nslack: "${theirs.secret}", and kw_live_notarealsecretatall000000000000000`;
    const scan = await findLeakedKeys(db, orgId, text);
    expect(scan.matches.map((m) => m.key.id)).toEqual([mine.key.id]);
    expect(scan.unknownCount).toBe(1);
  });

  it("creates under concurrency without duplicate names", async () => {
    const { actor } = await createOrg(db);
    const results = await Promise.all(
      [1, 2, 3].map(() => runAction(createKeySchema, { ...baseKeyInput, name: "Race" }, (input) => createKey(db, actor, input))),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(await db.apiKey.count({ where: { orgId: actor.orgId, name: "Race" } })).toBe(1);
  });
});
