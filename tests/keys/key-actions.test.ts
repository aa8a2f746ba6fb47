import { describe, expect, it } from "vitest";
import { createKey, KEY_NAME_TAKEN } from "@/lib/api-keys/create-key";
import { editKey } from "@/lib/api-keys/edit-key";
import { bulkRevokeKeys, revokeKey } from "@/lib/api-keys/revoke-key";
import { rotateKey } from "@/lib/api-keys/rotate-key";
import { runAction } from "@/lib/actions/run-action";
import { bulkRevokeSchema, createKeySchema, editKeySchema, revokeKeySchema, rotateKeySchema } from "@/lib/validations/key";
import { setUpTestDb } from "../support/db";
import { baseKeyInput, createOrg, makeKey } from "../support/fixtures";

const { db } = await setUpTestDb();

// Everything a key mutation can write, to show that a refused action wrote nothing.
async function snapshot() {
  return {
    keys: await db.apiKey.findMany({ orderBy: { id: "asc" } }),
    secrets: await db.keySecret.findMany({ orderBy: { id: "asc" } }),
    scopes: await db.keyScope.count(),
    cidrs: await db.keyCidr.count(),
    audit: await db.auditEvent.count(),
    versions: await db.organization.findMany({ select: { id: true, keysVersion: true }, orderBy: { id: "asc" } }),
  };
}

describe("key actions through the action pipeline", () => {
  it("refuses another organization's key id for edit, rotate and revoke: not found, nothing changed", async () => {
    const owner = await createOrg(db);
    const intruder = await createOrg(db, { name: "Intruder" });
    const { key } = await makeKey(db, owner.actor, { name: "Victim" });
    const before = await snapshot();

    const edit = await runAction(editKeySchema, { keyId: key.id, cidrs: ["0.0.0.0/0"] }, (input) => editKey(db, intruder.actor, input));
    const rotate = await runAction(rotateKeySchema, { keyId: key.id, grace: "none" }, (input) => rotateKey(db, intruder.actor, input));
    const revoke = await runAction(revokeKeySchema, { keyId: key.id, confirmName: "Victim" }, (input) =>
      revokeKey(db, intruder.actor, input),
    );
    for (const result of [edit, rotate, revoke]) {
      expect(result).toMatchObject({ ok: false, code: "NOT_FOUND", error: "Key not found" });
    }
    const bulk = await runAction(bulkRevokeSchema, { keyIds: [key.id], confirmation: "revoke 1 key" }, (input) =>
      bulkRevokeKeys(db, intruder.actor, input),
    );
    expect(bulk).toEqual({ ok: true, data: [{ keyId: key.id, outcome: "not_found", name: undefined }] });
    expect(await snapshot()).toEqual(before);
  });

  it("returns field errors for each bad create input and writes nothing", async () => {
    const { actor } = await createOrg(db);
    await makeKey(db, actor, { name: "Taken" });
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "Taken" }, "name"],
      [{ name: "  " }, "name"],
      [{ name: "x".repeat(10_000) }, "name"],
      [{ cidrs: ["10.0.0.1/33"] }, "cidrs.0"],
      [{ cidrs: ["2001:db8::/32", "not an ip"] }, "cidrs.1"],
      [{ expiry: { preset: "custom", customAt: "2000-01-01T00:00:00Z" } }, "expiry.customAt"],
      [{ expiry: { preset: "custom" } }, "expiry.customAt"],
      [{ scopes: [] }, "scopes"],
      [{ scopes: [{ action: "delete", resourceFilter: "" }] }, "scopes.0.action"],
      [{ description: "d".repeat(501) }, "description"],
    ];
    const before = await snapshot();
    for (const [overrides, field] of cases) {
      const result = await runAction(createKeySchema, { ...baseKeyInput, ...overrides }, (input) => createKey(db, actor, input));
      expect(result.ok, JSON.stringify(overrides).slice(0, 80)).toBe(false);
      if (!result.ok) expect(Object.keys(result.fieldErrors ?? {}), JSON.stringify(overrides).slice(0, 80)).toContain(field);
    }
    expect(await snapshot()).toEqual(before);
    const dup = await runAction(createKeySchema, { ...baseKeyInput, name: "Taken" }, (input) => createKey(db, actor, input));
    expect(dup).toMatchObject({ ok: false, fieldErrors: { name: KEY_NAME_TAKEN } });
  });

  it("refuses to edit or rotate a revoked key, which stays read-only", async () => {
    const { actor } = await createOrg(db);
    const { key } = await makeKey(db, actor, { name: "Gone" });
    await revokeKey(db, actor, revokeKeySchema.parse({ keyId: key.id, confirmName: "Gone" }));
    const before = await snapshot();
    const edit = await runAction(editKeySchema, { keyId: key.id, name: "Back" }, (input) => editKey(db, actor, input));
    const rotate = await runAction(rotateKeySchema, { keyId: key.id, grace: "1h" }, (input) => rotateKey(db, actor, input));
    const again = await runAction(revokeKeySchema, { keyId: key.id, confirmName: "Gone" }, (input) => revokeKey(db, actor, input));
    for (const result of [edit, rotate, again]) expect(result).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(await snapshot()).toEqual(before);
  });
});
