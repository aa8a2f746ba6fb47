import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "../support/db";
import { startKeyward, type KeywardServer } from "../support/keyward-server";
import { seedApiOrg, seedKey } from "../api/helpers";
import { CLI, ROOT } from "./run-cli";

// The README's API + CLI section is run as written: every ```sh block, in order, in one shell, except those
// marked <!-- docs-test: skip … --> (placeholders, interactive prompts).

const README = path.join(ROOT, "README.md");
const SECTION = "## API and CLI";

/** The README's "## API and CLI" section, up to the next second-level heading. */
export function apiSection(markdown: string): string {
  const start = markdown.indexOf(`\n${SECTION}\n`);
  if (start < 0) throw new Error(`README.md has no "${SECTION}" section`);
  const end = markdown.indexOf("\n## ", start + SECTION.length + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
}

export function shellBlocks(markdown: string): string[] {
  const blocks: string[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```sh") continue;
    // The marker sits on the line above the block, or above the blank line Prettier puts between them.
    const above = lines[i - 1]?.trim() === "" ? lines[i - 2] : lines[i - 1];
    const skip = /<!--\s*docs-test:\s*skip/.test(above ?? "");
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== "```"; i++) body.push(lines[i]);
    if (!skip) blocks.push(body.join("\n"));
  }
  return blocks;
}

let database: TestDatabase;
let db: Db;
let server: KeywardServer;
let work: string;

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.db;
  server = await startKeyward({ databaseUrl: database.url });
  work = mkdtempSync(path.join(tmpdir(), "keyward-docs-"));
  // `keyward` on PATH, as `npm link` puts it there.
  writeFileSync(path.join(work, "keyward"), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(path.join(work, "keyward"), 0o755);
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  if (work) rmSync(work, { recursive: true, force: true });
});

function bash(script: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], {
      cwd: work,
      env: { NODE_ENV: "production", PATH: `${work}:${process.env.PATH}`, HOME: process.env.HOME ?? work, ...env },
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.once("close", (code) => resolve({ code, output }));
  });
}

describe("README: API and CLI examples", () => {
  it("runs every shell example against a real server", async () => {
    const org = await seedApiOrg(db);
    const leaky = await seedKey(db, org.actor, { name: "Printed in CI" });
    writeFileSync(path.join(work, "build.log"), `step 3/7: deploy\nexport TOKEN=${leaky.secret}\ndone\n`);

    const blocks = shellBlocks(apiSection(readFileSync(README, "utf8")));
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    // One shell, so variables set by one example are there for the next, as in a reader's terminal.
    const script = ["set -euo pipefail", ...blocks.map((block, i) => `echo "--- example ${i + 1}" >&2\n${block}`)].join("\n");
    const run = await bash(script, { KEYWARD_URL: server.url, KEYWARD_API_KEY: org.admin.secret });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain("new key works");

    const keys = await db.apiKey.findMany({ where: { orgId: org.orgId }, select: { name: true, revokedAt: true, revokeReason: true } });
    const byName = Object.fromEntries(keys.map((k) => [k.name, k]));
    expect(byName["GitHub Actions"]).toMatchObject({ revokeReason: "replaced by GitHub Actions v2" });
    expect(byName["GitHub Actions v2"]).toMatchObject({ revokedAt: null });
    expect(byName["Nightly export"]).toMatchObject({ revokedAt: null });
    expect(byName["Printed in CI"].revokedAt).not.toBeNull();
  });
});
