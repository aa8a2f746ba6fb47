// deploy/systemd/keyward.service and its environment file stay true: systemd accepts every line of the unit
// (systemd-analyze verify, which names unknown or misspelt options), and every variable the files set is one
// Keyward reads (README's Configuration table). tests/deploy/nginx.test.ts runs instances with the env file.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testBackend } from "../support/db";

const ROOT = path.resolve(import.meta.dirname, "../..");
const UNIT = path.join(ROOT, "deploy/systemd/keyward.service");
const ENV_FILE = path.join(ROOT, "deploy/systemd/keyward.env.example");
const ANALYZE = "/usr/bin/systemd-analyze";

/** Variables in README's Configuration table. */
function documentedVariables(): Set<string> {
  const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
  const table = readme.slice(readme.indexOf("\n## Configuration\n"), readme.indexOf("\n## Architecture\n"));
  return new Set([...table.matchAll(/^\| `([A-Z_]+)`(?: \/ `([A-Z_]+)`)?/gm)].flatMap((m) => [m[1], m[2]]).filter(Boolean));
}

// Files only: once is enough.
describe.runIf(testBackend === "sqlite")("deploy/systemd", () => {
  it("sets only variables Keyward reads, in the env file (set or commented out) and the unit", () => {
    const documented = documentedVariables();
    expect(documented.size).toBeGreaterThan(20);
    const inEnvFile = [...readFileSync(ENV_FILE, "utf8").matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(inEnvFile).toEqual(expect.arrayContaining(["DATABASE_URL", "KEYWARD_MASTER_KEY", "KEYWARD_TRUSTED_PROXIES", "PORT"]));
    const inUnit = [...readFileSync(UNIT, "utf8").matchAll(/^Environment=(.*)$/gm)].flatMap((m) =>
      m[1].split(" ").map((kv) => kv.split("=")[0]),
    );
    for (const name of [...inEnvFile, ...inUnit].filter((n) => n !== "NODE_ENV")) expect(documented, name).toContain(name);
  });

  it.runIf(existsSync(ANALYZE))("is a unit systemd accepts without a warning (systemd-analyze verify)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "keyward-unit-"));
    try {
      // Where this checkout and its node are, instead of /opt/keyward and /usr/bin/node; the rest as shipped.
      writeFileSync(path.join(dir, "keyward.env"), readFileSync(ENV_FILE));
      const unit = readFileSync(UNIT, "utf8")
        .replace("WorkingDirectory=/opt/keyward", `WorkingDirectory=${ROOT}`)
        .replace("EnvironmentFile=/etc/keyward/keyward.env", `EnvironmentFile=${dir}/keyward.env`)
        .replace("ExecStart=/usr/bin/node ", `ExecStart=${process.execPath} `);
      writeFileSync(path.join(dir, "keyward.service"), unit);
      const res = spawnSync(ANALYZE, ["verify", path.join(dir, "keyward.service")], { encoding: "utf8" });
      const about = `${res.stdout}${res.stderr}`
        .split("\n")
        .filter((line) => line.includes("keyward.service"))
        .join("\n");
      expect(about).toBe("");
      expect(res.status, res.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
