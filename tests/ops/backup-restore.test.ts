// README "Operating Keyward", backup and restore, as written: `npm run backup` of a running instance's database
// (SQLite's online backup API, or pg_dump), `npm run restore` into a new database, a new instance on it with the
// same master key: keys verify, a revoked key stays revoked, usage is kept. Under another master key it does not start.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { revokeKeyById } from "@/lib/api-keys/revoke-key";
import { createDb } from "@/lib/db/client";
import { testBackend, setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { createDatabaseFrom, dropDatabase } from "../support/postgres";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { verify } from "../verify/support/http";

const ROOT = path.resolve(import.meta.dirname, "../..");
const { db, url } = await setUpTestDb();
const work = mkdtempSync(path.join(tmpdir(), "keyward-backup-"));
const cleanup: (() => Promise<void>)[] = [];

/** `npm run <script> -- <file>` with DATABASE_URL, as an operator runs it. */
function npmRun(script: "backup" | "restore", file: string, databaseUrl: string) {
  const res = spawnSync("npm", ["run", "--silent", script, "--", file], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

/** A new, empty database of the same kind as the test's. */
async function newDatabase(): Promise<string> {
  if (testBackend === "postgres") {
    const admin = process.env.TEST_POSTGRES_URL!;
    const name = `keyward_r_${randomBytes(6).toString("hex")}`;
    const created = await createDatabaseFrom(admin, name);
    cleanup.push(() => dropDatabase(admin, name));
    return created;
  }
  return `file:${mkdtempSync(path.join(work, "restored-"))}/keyward.db`;
}

const code = async (server: KeywardServer, secret: string) => {
  const res = await verify(server.url, { key: secret });
  return res.status === 200 ? (res.json.valid ? "OK" : res.json.code) : `HTTP ${res.status}`;
};

describe(`backup and restore (${testBackend})`, () => {
  let source: KeywardServer;
  let live: Awaited<ReturnType<typeof makeKey>>;
  let revoked: Awaited<ReturnType<typeof makeKey>>;
  let backup: string;
  let usageAtBackup: number;

  beforeAll(async () => {
    const org = await createOrg(db, { keyPrefix: "bk" });
    live = await makeKey(db, org.actor, { name: "Survives the restore" });
    revoked = await makeKey(db, org.actor, { name: "Revoked before the backup" });
    await revokeKeyById(db, org.actor, revoked.key.id, "leaked");
    source = await startKeyward({ databaseUrl: url });
    cleanup.push(() => source.stop());
    for (let i = 0; i < 5; i++) expect(await code(source, live.secret)).toBe("OK");
    expect(await code(source, revoked.secret)).toBe("REVOKED");
    // The running instance writes its usage within a batch window; the backup is taken while it runs.
    const deadline = Date.now() + 5000;
    while ((await db.usageEvent.count({ where: { orgId: org.orgId } })) < 6 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    usageAtBackup = await db.usageEvent.count({ where: { orgId: org.orgId } });
    expect(usageAtBackup).toBe(6);
    backup = path.join(work, testBackend === "postgres" ? "keyward.dump" : "keyward.db.backup");
    const made = npmRun("backup", backup, url);
    expect(made.status, made.output).toBe(0);
    expect(existsSync(backup)).toBe(true);
  }, 900_000);

  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
    rmSync(work, { recursive: true, force: true });
  });

  it("restores into a new database that a new instance serves: keys verify, the revoked one stays revoked", async () => {
    const target = await newDatabase();
    const restored = npmRun("restore", backup, target);
    expect(restored.status, restored.output).toBe(0);
    const copy = createDb(target);
    cleanup.push(() => copy.$disconnect());
    expect(await copy.usageEvent.count()).toBe(usageAtBackup);
    expect(await copy.auditEvent.count({ where: { action: "key.revoked" } })).toBe(1);

    const server = await startKeyward({ databaseUrl: target });
    cleanup.push(() => server.stop());
    expect(await code(server, live.secret)).toBe("OK");
    expect(await code(server, revoked.secret)).toBe("REVOKED");
    // A restore is refused over a database that already holds one.
    const again = npmRun("restore", backup, target);
    expect(again.status).not.toBe(0);
    expect(again.output).toMatch(/new database/);
  });

  // The refusal is the start's, whichever database the sealed secrets came from: checked once (a start costs ~10 s).
  it.runIf(testBackend === "sqlite")(
    "will not serve a restore under another master key: the start stops, naming the master key",
    async () => {
      const target = await newDatabase();
      expect(npmRun("restore", backup, target).status).toBe(0);
      const otherKey = randomBytes(32).toString("hex");
      const started = startKeyward({ databaseUrl: target, env: { KEYWARD_MASTER_KEY: otherKey } });
      // Stopped if it did start (the test has failed then).
      cleanup.push(() => started.then((server) => server.stop()).catch(() => undefined));
      await expect(started).rejects.toThrow(
        /exited with 1[\s\S]*KEYWARD_MASTER_KEY \(or data\/master.key\) is not the key it was sealed with/,
      );
    },
  );
});
