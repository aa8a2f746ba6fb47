import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { freePort, startKeyward, type KeywardServer } from "../support/keyward-server";
import { seedApiOrg, seedKey } from "../api/helpers";
import { runCli } from "./run-cli";

// The keyward CLI as a user runs it: a subprocess talking HTTP to the real server.

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let acme: Awaited<ReturnType<typeof seedApiOrg>>;

const as = (secret: string) => ({ KEYWARD_URL: server.url, KEYWARD_API_KEY: secret });

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  acme = await seedApiOrg(db);
  server = await startKeyward({ databaseUrl: database.url });
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("keyward keys: the rotation workflow (seed 000)", () => {
  it("creates v2, verifies it works, revokes the old key with -y, and the old key then fails", async () => {
    // The CI pipeline's own key manages keys: it is the one being rotated.
    const old = await seedKey(db, acme.actor, { name: "CI Pipeline", scopes: [{ action: "admin", resourceFilter: "keys/**" }] });

    // 1. Create the new key (JSON for capture, as a CI script would).
    const created = await runCli(
      ["keys", "create", "CI Pipeline v2", "-s", "admin:keys/**,write:deploys/*", "--expires", "90d", "--json"],
      { env: as(old.secret) },
    );
    expect(created.code, created.stderr).toBe(0);
    const { secret, key } = JSON.parse(created.stdout);
    expect(secret).toMatch(/^kw_live_/);
    expect(key.scopes).toEqual([
      { action: "admin", resourceFilter: "keys/**" },
      { action: "write", resourceFilter: "deploys/*" },
    ]);

    // 3. Verify the new key works.
    const verify = await runCli(["keys", "show", key.id, "--json"], { env: as(secret) });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout).key.name).toBe("CI Pipeline v2");

    // 4. Revoke the old key, without a prompt.
    const revoke = await runCli(["keys", "revoke", old.id, "-y"], { env: as(secret) });
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(revoke.stdout).toContain(`Revoked key "CI Pipeline" (${old.id})`);

    const fails = await runCli(["keys", "list"], { env: as(old.secret) });
    expect(fails.code).toBe(2);
    expect(fails.stderr).toContain("Missing or invalid API key: send a valid one as Authorization: Bearer <secret> (UNAUTHORIZED)");
    expect(fails.stdout).toBe("");
    const audit = await db.auditEvent.findFirstOrThrow({ where: { targetId: old.id, action: "key.revoked" } });
    expect(audit.actorLabel).toBe(`CI Pipeline v2 (${key.display})`);
  });
});

describe("output", () => {
  it("lists the seed-000 columns as a table, and as JSON and markdown", async () => {
    const table = await runCli(["keys", "list"], { env: as(acme.admin.secret) });
    expect(table.code, table.stderr).toBe(0);
    for (const column of ["Name", "ID", "Prefix", "Scopes", "Created", "Last used", "Status"]) expect(table.stdout).toContain(column);
    expect(table.stdout).toContain(acme.admin.id);

    const json = await runCli(["keys", "list", "--status", "active", "--json"], { env: as(acme.admin.secret) });
    const keys = JSON.parse(json.stdout);
    expect(keys.find((k: { id: string }) => k.id === acme.admin.id)).toMatchObject({ name: "Key manager", status: "active" });
    expect(json.stdout).not.toContain(acme.admin.secret);

    const markdown = await runCli(["keys", "list", "--format", "markdown"], { env: as(acme.admin.secret) });
    expect(markdown.stdout.split("\n")[0]).toBe("| Name | ID | Prefix | Scopes | Created | Last used | Status |");
  });

  it("prints a created secret once with the warning, and only on stdout", async () => {
    const run = await runCli(["keys", "create", "Dashboard Reader", "--expires", "never", "--cidr", "10.0.0.0/8"], {
      env: as(acme.admin.secret),
    });
    expect(run.code, run.stderr).toBe(0);
    const secret = /kw_live_[A-Za-z0-9]{38}/.exec(run.stdout)?.[0];
    expect(secret).toBeDefined();
    expect(run.stdout).toContain("Save this secret now");
    expect(run.stdout).toContain("Allowed IPs: 10.0.0.0/8");
    expect(run.stderr).toMatch(/warning: This key never expires/);
    expect(run.stderr).not.toContain(secret);
  });

  it("shows a key with its usage breakdown and last use (seed 003)", async () => {
    const used = await seedKey(db, acme.actor, { name: "Production Deployment" });
    const hour = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    await db.usageRollup.createMany({
      data: [
        { orgId: acme.orgId, keyId: used.id, hour, outcome: "OK", count: 1200 },
        { orgId: acme.orgId, keyId: used.id, hour, outcome: "EXPIRED", count: 34 },
      ],
    });
    await db.apiKey.update({
      where: { id: used.id },
      data: { lastUsedAt: new Date(), lastUsedIp: "192.168.1.100", lastUsedUserAgent: "fluxloop-cli/1.2.3" },
    });
    const run = await runCli(["keys", "show", used.id], { env: as(acme.admin.secret) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Usage (last 30 days):");
    expect(run.stdout).toContain("Total requests: 1,234");
    expect(run.stdout).toContain("• OK: 1,200 (97%)");
    expect(run.stdout).toContain("IP:         192.168.1.100");
    expect(run.stdout).toContain("User agent: fluxloop-cli/1.2.3");

    const usage = await runCli(["keys", "usage", used.id, "--days", "7", "--json"], { env: as(acme.admin.secret) });
    expect(JSON.parse(usage.stdout)).toMatchObject({ days: 7, totals: { requests: 1234, allowed: 1200, denied: 34 } });
  });

  it("updates and rotates (with a grace period), printing the new secret once", async () => {
    const target = await seedKey(db, acme.actor, { name: "Rotate me" });
    const update = await runCli(["keys", "update", target.id, "--name", "Rotate me (web)", "-s", "read:projects/**", "--json"], {
      env: as(acme.admin.secret),
    });
    expect(update.code, update.stderr).toBe(0);
    expect(JSON.parse(update.stdout).key.name).toBe("Rotate me (web)");

    const rotate = await runCli(["keys", "rotate", target.id, "--grace", "24h"], { env: as(acme.admin.secret), input: "y\n" });
    expect(rotate.code, rotate.stderr).toBe(0);
    expect(rotate.stderr).toContain("Continue? [y/N]");
    expect(rotate.stdout).toMatch(/kw_live_[A-Za-z0-9]{38}/);
    expect(rotate.stdout).toContain("The previous secret works until");
  });

  it("revokes every key found in a leaked file read from stdin", async () => {
    const leaked = await seedKey(db, acme.actor, { name: "Pasted in Slack" });
    const run = await runCli(["keys", "revoke-leaked"], { env: as(acme.admin.secret), input: `hey can you try ${leaked.secret} ?\n` });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Revoked 1 key found in the text");
    expect(run.stdout).toContain(leaked.id);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: leaked.id } })).revokedAt).not.toBeNull();
  });
});

describe("confirmation prompt", () => {
  it("revokes only when the typed name matches, read from stdin", async () => {
    const target = await seedKey(db, acme.actor, { name: "Old Development Key" });
    const wrong = await runCli(["keys", "revoke", target.id], { env: as(acme.admin.secret), input: "old development key\n" });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("Type the key name to confirm:");
    expect(wrong.stderr).toContain("nothing was revoked");
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: target.id } })).revokedAt).toBeNull();

    const noAnswer = await runCli(["keys", "revoke", target.id], { env: as(acme.admin.secret), input: "" });
    expect(noAnswer.code).toBe(1);

    const right = await runCli(["keys", "revoke", target.id, "--reason", "unused"], {
      env: as(acme.admin.secret),
      input: "Old Development Key\n",
    });
    expect(right.code, right.stderr).toBe(0);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: target.id } })).revokeReason).toBe("unused");
  });

  it("does not rotate unless the answer is yes", async () => {
    const target = await seedKey(db, acme.actor, { name: "Keep my secret" });
    const run = await runCli(["keys", "rotate", target.id], { env: as(acme.admin.secret), input: "n\n" });
    expect(run.code).toBe(1);
    expect(await db.keySecret.count({ where: { keyId: target.id } })).toBe(1);
  });
});

describe("exit codes (seed 001)", () => {
  it("0 ok, 1 connection, 2 auth, 3 not found, 4 validation, 5 server — errors on stderr, nothing on stdout", async () => {
    const ok = await runCli(["keys", "list"], { env: as(acme.admin.secret) });
    expect(ok.code).toBe(0);

    const down = await runCli(["keys", "list"], {
      env: { KEYWARD_URL: `http://127.0.0.1:${await freePort()}`, KEYWARD_API_KEY: acme.admin.secret },
    });
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/Could not reach Keyward at .*ECONNREFUSED/);

    const noKey = await runCli(["keys", "list"], { env: { KEYWARD_URL: server.url } });
    expect(noKey.code).toBe(2);
    const readOnly = await seedKey(db, acme.actor, { name: "Read only", scopes: [{ action: "read", resourceFilter: "keys/**" }] });
    const forbidden = await runCli(["keys", "revoke", acme.admin.id, "-y"], { env: as(readOnly.secret) });
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toContain(`Insufficient scope: needs admin on keys/${acme.admin.id} (FORBIDDEN)`);

    const missing = await runCli(["keys", "show", "key_00000000000000000000"], { env: as(acme.admin.secret) });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("Key not found (NOT_FOUND)");

    const invalid = await runCli(["keys", "create", "Bad", "--cidr", "10.0.0.1/8", "-s", "read:projects//x"], {
      env: as(acme.admin.secret),
    });
    expect(invalid.code).toBe(4);
    expect(invalid.stderr).toMatch(/--cidr: .*10\.0\.0\.0\/8/);
    expect(invalid.stderr).toMatch(/--scopes: /);
    const taken = await runCli(["keys", "create", "Key manager", "--json"], { env: as(acme.admin.secret) });
    expect(taken.code).toBe(4);
    expect(JSON.parse(taken.stderr)).toMatchObject({ error: { code: "CONFLICT", message: "Key name taken" } });
    const usage = await runCli(["keys", "list", "--status", "deleted"], { env: as(acme.admin.secret) });
    expect(usage.code).toBe(4);

    const broken = await seedApiOrg(db, { name: "Broken", keyPrefix: "brk" });
    await db.organization.update({ where: { id: broken.orgId }, data: { signingSecretEnc: "v1.not-a-sealed-secret" } });
    const serverError = await runCli(["keys", "list"], { env: as(broken.admin.secret) });
    expect(serverError.code).toBe(5);
    expect(serverError.stderr).toContain("(INTERNAL)");

    for (const run of [down, noKey, forbidden, missing, invalid, taken, serverError]) expect(run.stdout).toBe("");
  });

  it("has --help with examples for every command", async () => {
    for (const command of ["list", "create", "show", "update", "rotate", "revoke", "usage", "revoke-leaked"]) {
      const help = await runCli(["keys", command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("Examples:");
    }
  });
});

describe("keyward keys: owner, tags, meta, disable and enable", () => {
  it("creates with --owner, repeated --tag and --meta @file.json, filters the list by tag, disables and enables, and verify follows", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "keyward-cli-meta-"));
    const metaFile = path.join(dir, "meta.json");
    writeFileSync(metaFile, JSON.stringify({ plan: "pro", region: "eu" }));
    const created = await runCli(
      ["keys", "create", "Billing worker", "--owner", "cus_4242", "--tag", "billing", "--tag", "prod", "--meta", `@${metaFile}`, "--json"],
      { env: as(acme.admin.secret) },
    );
    expect(created.code, created.stderr).toBe(0);
    const { key, secret } = JSON.parse(created.stdout);
    expect(key).toMatchObject({ owner: "cus_4242", tags: ["billing", "prod"], meta: { plan: "pro", region: "eu" } });

    const listed = await runCli(["keys", "list", "--tag", "billing", "--json"], { env: as(acme.admin.secret) });
    expect(JSON.parse(listed.stdout).map((k: { id: string }) => k.id)).toEqual([key.id]);

    const verifyCode = async () => {
      const res = await fetch(`${server.url}/api/v1/keys/verify`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ key: secret }),
      });
      const body = await res.json();
      return body.valid ? "OK" : body.code;
    };
    const disabled = await runCli(["keys", "disable", key.id], { env: as(acme.admin.secret) });
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toContain(`Disabled key "Billing worker" (${key.id})`);
    expect(await verifyCode()).toBe("DISABLED");
    const shown = await runCli(["keys", "show", key.id], { env: as(acme.admin.secret) });
    expect(shown.stdout).toMatch(/Status:\s+active \(disabled\)/);
    expect(shown.stdout).toMatch(/Owner:\s+cus_4242/);
    const again = await runCli(["keys", "disable", key.id], { env: as(acme.admin.secret) });
    expect(again.code).toBe(4);
    const enabled = await runCli(["keys", "enable", key.id, "--json"], { env: as(acme.admin.secret) });
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(JSON.parse(enabled.stdout).key.enabled).toBe(true);
    expect(await verifyCode()).toBe("OK");
  });

  it("refuses --meta that is not JSON locally, and one that is not an object on the server, changing nothing", async () => {
    const { id } = await seedKey(db, acme.actor, { name: "Meta target", meta: '{"v":1}' });
    const notJson = await runCli(["keys", "update", id, "--meta", "{oops"], { env: as(acme.admin.secret) });
    expect(notJson.code).toBe(4);
    expect(notJson.stderr).toContain("--meta: not valid JSON");
    const notObject = await runCli(["keys", "update", id, "--meta", "[1,2]", "--owner", "someone"], { env: as(acme.admin.secret) });
    expect(notObject.code).toBe(4);
    expect(notObject.stderr).toMatch(/JSON object/);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id } });
    expect([row.meta, row.owner]).toEqual(['{"v":1}', null]);
  });
});
