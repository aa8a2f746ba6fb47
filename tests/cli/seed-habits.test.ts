import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { seedApiOrg, seedKey } from "../api/helpers";
import { runCli } from "./run-cli";
import { runOnTerminal } from "./run-on-terminal";

// What users of the seed CLIs type: whoami (000's `auth key verify`), the aliases new / rm / delete /
// regenerate, the interactive create on a terminal (003) and --silent (004).

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let acme: Awaited<ReturnType<typeof seedApiOrg>>;

const as = (secret: string) => ({ KEYWARD_URL: server.url, KEYWARD_API_KEY: secret });
const DAY = 86_400_000;

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

describe("keyward whoami", () => {
  it("names the key in use, its organization, scopes and expiry; a dead key exits 2", async () => {
    const expiresAt = new Date(Date.now() + 40 * DAY);
    const ci = await seedKey(db, acme.actor, {
      name: "GitHub Actions",
      scopes: [
        { action: "write", resourceFilter: "keys/**" },
        { action: "read", resourceFilter: "deploys/*" },
      ],
      expiry: { preset: "custom", customAt: expiresAt.toISOString() },
    });
    const org = await db.organization.findUniqueOrThrow({ where: { id: acme.orgId } });

    const run = await runCli(["whoami"], { env: as(ci.secret) });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Key:          GitHub Actions (${ci.display})`);
    expect(run.stdout).toContain(`Key ID:       ${ci.id}`);
    expect(run.stdout).toContain(`Organization: Acme (${org.slug})`);
    expect(run.stdout).toContain("Scopes:       write:keys/**,read:deploys/*");
    const stored = (await db.apiKey.findUniqueOrThrow({ where: { id: ci.id } })).expiresAt!;
    expect(run.stdout).toContain(`Expires:      ${stored.toISOString().slice(0, 10)} (in 1 month)`);
    expect(run.stdout).not.toContain(ci.secret);

    const json = await runCli(["whoami", "--json"], { env: as(ci.secret) });
    expect(JSON.parse(json.stdout)).toMatchObject({
      key: { id: ci.id, name: "GitHub Actions", status: "active" },
      organization: { id: acme.orgId, name: "Acme", slug: org.slug },
    });

    // A key without a scope on itself is told which one it needs; a revoked key gets the one 401.
    const reader = await seedKey(db, acme.actor, { name: "Reads projects", scopes: [{ action: "read", resourceFilter: "projects/**" }] });
    const forbidden = await runCli(["whoami"], { env: as(reader.secret) });
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toContain(`Insufficient scope: needs read on keys/${reader.id} (FORBIDDEN)`);
    await runCli(["keys", "revoke", ci.id, "-y"], { env: as(acme.admin.secret) });
    const dead = await runCli(["whoami"], { env: as(ci.secret) });
    expect(dead.code).toBe(2);
    expect(dead.stderr).toContain("(UNAUTHORIZED)");
    expect(dead.stdout).toBe("");
  });
});

describe("aliases of the seed CLIs", () => {
  it("new creates, regenerate rotates, rm and delete revoke behind the same typed-name gate", async () => {
    const created = await runCli(["keys", "new", "-n", "Quick test", "-s", "read", "--json"], { env: as(acme.admin.secret) });
    expect(created.code, created.stderr).toBe(0);
    const { key, secret } = JSON.parse(created.stdout);
    expect(key.name).toBe("Quick test");

    const regenerated = await runCli(["keys", "regenerate", key.id, "--force", "--json"], { env: as(acme.admin.secret) });
    expect(regenerated.code, regenerated.stderr).toBe(0);
    const rotatedSecret = JSON.parse(regenerated.stdout).secret;
    expect(rotatedSecret).not.toBe(secret);
    expect((await runCli(["whoami"], { env: as(secret) })).code).toBe(2);

    for (const alias of ["rm", "delete"]) {
      const wrong = await runCli(["keys", alias, key.id], { env: as(acme.admin.secret), input: "quick test\n" });
      expect(wrong.code, alias).toBe(1);
      expect(wrong.stderr).toContain("Type the key name to confirm:");
      expect(wrong.stderr).toContain("nothing was revoked");
    }
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();

    const right = await runCli(["keys", "delete", key.id], { env: as(acme.admin.secret), input: "Quick test\n" });
    expect(right.code, right.stderr).toBe(0);
    expect(right.stdout).toContain(`Revoked key "Quick test" (${key.id})`);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).not.toBeNull();
  });
});

describe("interactive create on a terminal (seed 003)", () => {
  it("asks name, description, permissions and expiry, then boxes the secret once", async () => {
    const run = await runOnTerminal(["keys", "create"], {
      env: as(acme.admin.secret),
      answers: [
        ["Key name: ", "Production Deployment"],
        ["Description (optional): ", "API key for production deployments"],
        ["Select (1-3) [1]: ", "7"],
        ["Type a number from 1 to 3.", "2"],
        ["On resources", "deploys/*, projects/web"],
        ["Select (1-4) [2]: ", "3"],
      ],
    });
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).toContain("Create New API Key");
    expect(run.screen).toContain("  4. Never");
    const secrets: string[] = run.screen.match(/kw_live_[A-Za-z0-9]{38}/g) ?? [];
    expect(secrets, run.screen).toHaveLength(1);
    expect(run.screen).toContain(`│  ${secrets[0]}  │`);
    expect(run.screen).toContain("Save this secret now");

    const key = await db.apiKey.findFirstOrThrow({
      where: { orgId: acme.orgId, name: "Production Deployment" },
      include: { scopes: { orderBy: { position: "asc" } } },
    });
    expect(key.description).toBe("API key for production deployments");
    expect(key.scopes.map((s) => `${s.action}:${s.resourceFilter}`)).toEqual(["write:deploys/*", "write:projects/web"]);
    expect(Math.round((key.expiresAt!.getTime() - Date.now()) / DAY)).toBe(365);
    // The boxed secret is the key's and it works.
    const me = await runCli(["keys", "list", "--json"], { env: as(secrets[0]!) });
    expect(me.code).toBe(2); // write on deploys/* and projects/web only: authenticates, no scope on keys/**
    expect(me.stderr).toContain("Insufficient scope");
  });

  it("asks only for what no option gave, and a script without a name gets a usage error, creating nothing", async () => {
    const run = await runOnTerminal(["keys", "create", "--expires", "30d", "-s", "read:keys/**"], {
      env: as(acme.admin.secret),
      answers: [
        ["Key name: ", ""],
        ["A name is required.", "Asked for a name"],
        ["Description (optional): ", ""],
      ],
    });
    expect(run.code, run.screen).toBe(0);
    expect(run.screen).not.toContain("Permissions:");
    expect(run.screen).not.toContain("Expires:\r\n");
    const secret = /kw_live_[A-Za-z0-9]{38}/.exec(run.screen)![0];
    const me = await runCli(["whoami", "--json"], { env: as(secret) });
    expect(JSON.parse(me.stdout).key).toMatchObject({ name: "Asked for a name", scopes: [{ action: "read", resourceFilter: "keys/**" }] });

    const before = await db.apiKey.count();
    const piped = await runCli(["keys", "create"], { env: as(acme.admin.secret), input: "Piped name\n" });
    expect(piped.code).toBe(4);
    expect(piped.stderr).toContain("Missing the key name");
    expect(await db.apiKey.count()).toBe(before);
  });
});

describe("--silent (seed 004)", () => {
  it("prints only the secret on create and rotate, nothing on revoke, and keeps errors", async () => {
    const created = await runCli(["keys", "new", "Silent CI", "-s", "read:keys/**", "--silent"], { env: as(acme.admin.secret) });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/^kw_live_[A-Za-z0-9]{38}\n$/);
    expect(created.stderr).toBe("");
    const secret = created.stdout.trim();
    const { key } = JSON.parse((await runCli(["whoami", "--json"], { env: as(secret) })).stdout);
    expect(key.name).toBe("Silent CI");

    const rotated = await runCli(["--silent", "keys", "rotate", key.id, "-y"], { env: as(acme.admin.secret) });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^kw_live_[A-Za-z0-9]{38}\n$/);
    expect(rotated.stdout.trim()).not.toBe(secret);

    const list = await runCli(["keys", "list", "--name", "no such key", "--silent"], { env: as(acme.admin.secret) });
    expect(list).toMatchObject({ code: 0, stdout: "", stderr: "" });

    const revoked = await runCli(["keys", "rm", key.id, "-y", "--silent"], { env: as(acme.admin.secret) });
    expect(revoked).toMatchObject({ code: 0, stdout: "", stderr: "" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).not.toBeNull();

    const again = await runCli(["keys", "rm", key.id, "-y", "--silent"], { env: as(acme.admin.secret) });
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("(CONFLICT)");
  });
});
