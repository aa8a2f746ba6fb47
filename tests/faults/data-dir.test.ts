// `npm start` on a data directory it cannot write (read-only) or on a full disk (simulated with a file-size
// limit, `ulimit -f`): a named error and its own exit code, before any migration or stack trace.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { testBackend } from "../support/db";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-datadir-"));
  dirs.push(dir);
  return dir;
}

/** scripts/start.mjs through a shell (for ulimit), as a user the mode bits apply to (root ignores them). */
function start(dataDir: string, shellPrefix = "") {
  const env: NodeJS.ProcessEnv = { ...process.env, KEYWARD_DATA_DIR: dataDir, NODE_ENV: "production" };
  delete env.DATABASE_URL;
  const command = `${shellPrefix}exec ${JSON.stringify(process.execPath)} scripts/start.mjs`;
  const argv = process.getuid?.() === 0 ? ["runuser", "-u", "nobody", "--", "sh", "-c", command] : ["sh", "-c", command];
  const res = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });
  return { status: res.status, output: `${res.stdout}${res.stderr}` };
}

describe.runIf(testBackend === "sqlite")("the data directory at start", () => {
  it("read-only: exits 73 with KEYWARD_DATA_DIR_NOT_WRITABLE naming the directory, no stack trace", () => {
    const dir = tempDir();
    chmodSync(dir, 0o555);
    const { status, output } = start(dir);
    expect(status, output).toBe(73);
    expect(output).toContain("KEYWARD_DATA_DIR_NOT_WRITABLE");
    expect(output).toContain(dir);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it("full (a 100 KiB file-size limit): exits 74 with KEYWARD_DISK_FULL, no stack trace", () => {
    const dir = tempDir();
    chmodSync(dir, 0o777);
    const { status, output } = start(dir, "ulimit -f 100; ");
    expect(status, output).toBe(74);
    expect(output).toContain("KEYWARD_DISK_FULL");
    expect(output).not.toMatch(/\n\s+at /);
  });
});
