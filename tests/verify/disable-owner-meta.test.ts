// Disable/enable and owner, tags and meta on the verification path, over real HTTP on a real database.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { editKey } from "@/lib/api-keys/edit-key";
import { revokeKey } from "@/lib/api-keys/revoke-key";
import { setKeyEnabled } from "@/lib/api-keys/set-key-enabled";
import { startVerifyServer, type VerifyServer } from "@/lib/verify/service";
import { editKeySchema, revokeKeySchema } from "@/lib/validations/key";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { verify } from "./support/http";
import { newKey } from "./support/keys";

const { db, url } = await setUpTestDb();
let server: VerifyServer;
let base: string;
let org: Awaited<ReturnType<typeof createOrg>>;

beforeAll(async () => {
  org = await createOrg(db, { keyPrefix: "dm" });
  server = await startVerifyServer({ db, url, hosts: ["127.0.0.1"], prune: false });
  base = server.urls[0];
});
afterAll(async () => {
  await server?.close();
});

const code = async (body: Record<string, unknown>) => {
  const res = await verify(base, body);
  return res.json.valid ? "OK" : res.json.code;
};

describe("a disabled key", () => {
  it("answers DISABLED on the first call after the disable, though it was cached, and valid again right after the enable", async () => {
    const { key, secret } = await newKey(db, org.actor);
    for (let i = 0; i < 3; i++) expect(await code({ key: secret })).toBe("OK");
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: false });
    expect((await verify(base, { key: secret })).json).toEqual({ valid: false, code: "DISABLED", keyId: key.id });
    expect(await code({ key: secret })).toBe("DISABLED");
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: true });
    expect(await code({ key: secret })).toBe("OK");
  });

  it("is checked in the documented order: revoked and expired before disabled, disabled before IP and scope", async () => {
    const walled = await newKey(db, org.actor, { cidrs: ["192.0.2.0/24"], scopes: [{ action: "read", resourceFilter: "a/**" }] });
    await setKeyEnabled(db, org.actor, { keyId: walled.key.id, enabled: false });
    // Outside its IPs and its scopes: still DISABLED, the earlier check.
    expect(await code({ key: walled.secret, action: "write", resource: "b/c" })).toBe("DISABLED");

    const expired = await newKey(db, org.actor);
    await setKeyEnabled(db, org.actor, { keyId: expired.key.id, enabled: false });
    await db.apiKey.update({ where: { id: expired.key.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await code({ key: expired.secret })).toBe("EXPIRED");

    const revoked = await newKey(db, org.actor);
    await setKeyEnabled(db, org.actor, { keyId: revoked.key.id, enabled: false });
    await revokeKey(db, org.actor, revokeKeySchema.parse({ keyId: revoked.key.id, confirmName: revoked.key.name }));
    expect(await code({ key: revoked.secret })).toBe("REVOKED");
  });

  it("records a DISABLED usage event and does not count as a use (last use unchanged)", async () => {
    const { key, secret } = await newKey(db, org.actor);
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: false });
    for (let i = 0; i < 3; i++) await verify(base, { key: secret, action: "read", resource: "projects/x" });
    await server.service.recorder.flush();
    const events = await db.usageEvent.findMany({ where: { keyId: key.id } });
    expect(events.map((e) => e.outcome)).toEqual(["DISABLED", "DISABLED", "DISABLED"]);
    const rollups = await db.usageRollup.findMany({ where: { keyId: key.id } });
    expect(Object.fromEntries(rollups.map((r) => [r.outcome, r.count]))).toEqual({ DISABLED: 3 });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).toBeNull();
  });

  it("refuses disabling twice, enabling an enabled key, and any change to a revoked key, changing nothing", async () => {
    const { key } = await newKey(db, org.actor);
    await expect(setKeyEnabled(db, org.actor, { keyId: key.id, enabled: true })).rejects.toMatchObject({ code: "CONFLICT" });
    await setKeyEnabled(db, org.actor, { keyId: key.id, enabled: false });
    await expect(setKeyEnabled(db, org.actor, { keyId: key.id, enabled: false })).rejects.toMatchObject({ code: "CONFLICT" });
    await revokeKey(db, org.actor, revokeKeySchema.parse({ keyId: key.id, confirmName: key.name }));
    await expect(setKeyEnabled(db, org.actor, { keyId: key.id, enabled: true })).rejects.toMatchObject({ code: "CONFLICT" });
    const audit = await db.auditEvent.findMany({ where: { targetId: key.id, action: { in: ["key.disabled", "key.enabled"] } } });
    expect(audit.map((a) => a.action)).toEqual(["key.disabled"]);
  });
});

describe("owner, tags and meta", () => {
  it("come back on every successful verification, and not on a denial", async () => {
    const { key, secret } = await newKey(db, org.actor, {
      owner: "cus_4242 (Acme Corp)",
      tags: "billing, Prod billing",
      meta: '{"plan":"pro","region":"eu","limits":{"seats":5}}',
    });
    const res = await verify(base, { key: secret, action: "read", resource: "projects/web" });
    expect(res.json).toMatchObject({
      valid: true,
      keyId: key.id,
      owner: "cus_4242 (Acme Corp)",
      tags: ["billing", "prod"],
      meta: { plan: "pro", region: "eu", limits: { seats: 5 } },
    });
    const denied = await verify(base, { key: secret, action: "write", resource: "projects/web" });
    expect(denied.json).toEqual({ valid: false, code: "INSUFFICIENT_SCOPE", keyId: key.id });
  });

  it("follow an edit on the next call", async () => {
    const { key, secret } = await newKey(db, org.actor, { owner: "team-a", tags: ["a"] });
    expect((await verify(base, { key: secret })).json).toMatchObject({ owner: "team-a", tags: ["a"], meta: {} });
    await editKey(db, org.actor, editKeySchema.parse({ keyId: key.id, owner: "", tags: ["b", "c"], meta: { tier: "gold" } }));
    expect((await verify(base, { key: secret })).json).toMatchObject({ owner: null, tags: ["b", "c"], meta: { tier: "gold" } });
  });
});
