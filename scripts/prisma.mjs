#!/usr/bin/env node
// Runs the Prisma CLI offline, for both providers, from the one schema in prisma/schema.prisma.
//   generate                 render prisma/<provider>/schema.prisma and generate both clients
//   migrate                  apply committed migrations to DATABASE_URL (idempotent)
//   new-migration <name>     write a migration per provider from the last rendered schema to the current one
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const prismaDir = path.join(root, "prisma");
const providers = { sqlite: "sqlite", postgres: "postgresql" };
const DEFAULT_DATABASE_URL = "file:./data/keyward.db";
// Without DATABASE_URL the database lives in the data directory (lib/db-url.ts defaultDatabaseUrl).
const databaseUrl = () => process.env.DATABASE_URL?.trim() || `file:${process.env.KEYWARD_DATA_DIR?.trim() || "./data"}/keyward.db`;

// The CLI checks for engine binaries it cannot download here; any existing file satisfies the check,
// and the JavaScript engine does the real work.
const cliEnv = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY || "/bin/false",
  PRISMA_QUERY_ENGINE_LIBRARY: process.env.PRISMA_QUERY_ENGINE_LIBRARY || "/bin/false",
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};

function render(provider) {
  const base = readFileSync(path.join(prismaDir, "schema.prisma"), "utf8");
  return base
    .replace("__PROVIDER__", providers[provider])
    .replace("__OUTPUT__", `../../lib/generated/${provider}`)
    .replace(/^\/\/ The one source of truth[\s\S]*?\n\n/, "// Rendered from prisma/schema.prisma by scripts/prisma.mjs: do not edit.\n\n");
}

function prisma(args, env = cliEnv) {
  const res = spawnSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), ...args], {
    cwd: root,
    env,
    stdio: ["ignore", "pipe", "pipe"],
    encoding: "utf8",
  });
  if (res.status !== 0) {
    process.stderr.write(res.stdout + res.stderr);
    process.exit(res.status ?? 1);
  }
  return res.stdout;
}

function providerOf(url) {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  console.error("DATABASE_URL must start with file: or postgres:// / postgresql://");
  process.exit(1);
}

// WAL is a property of the database file, so it is set here, while nothing else has the file open (switching
// needs exclusive access). Readers — the verify path's lookups, the console — then never wait for the usage
// writer, and a commit appends to the log instead of rewriting pages.
async function switchToWriteAheadLog(file) {
  const { default: Database } = await import("better-sqlite3");
  const conn = new Database(file, { fileMustExist: true });
  try {
    const mode = conn.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") throw new Error(`could not switch ${file} to WAL (journal_mode is ${String(mode)})`);
  } finally {
    conn.close();
  }
}

// Prisma's deploy takes SQLite's exclusive locking mode even with nothing to apply, which a WAL database
// refuses while any other connection is open (a running console, a test holding the file). Up to date, it
// is not needed at all.
async function everyMigrationApplied(file) {
  if (!existsSync(file)) return false;
  const { default: Database } = await import("better-sqlite3");
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const applied = new Set(
      conn
        .prepare(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)
        .pluck()
        .all(),
    );
    const dir = path.join(prismaDir, "sqlite", "migrations");
    const committed = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    return committed.every((name) => applied.has(name)) && conn.pragma("journal_mode", { simple: true }) === "wal";
  } catch {
    return false; // no migrations table yet: a new database
  } finally {
    conn.close();
  }
}

const [command, ...rest] = process.argv.slice(2);
if (command === "generate") {
  for (const provider of Object.keys(providers)) {
    const file = path.join(prismaDir, provider, "schema.prisma");
    mkdirSync(path.dirname(file), { recursive: true });
    // The rendered schema is also the "previous" side of the next migration diff: only new-migration updates it.
    if (!existsSync(file)) writeFileSync(file, render(provider));
    const current = path.join(prismaDir, provider, ".current.prisma");
    writeFileSync(current, render(provider));
    try {
      prisma(["generate", "--schema", current], {
        ...cliEnv,
        DATABASE_URL: provider === "sqlite" ? DEFAULT_DATABASE_URL : "postgresql://localhost/keyward",
      });
    } finally {
      rmSync(current, { force: true });
    }
  }
  console.log("Prisma clients generated for sqlite and postgres");
} else if (command === "migrate") {
  const url = databaseUrl();
  const provider = providerOf(url);
  if (provider === "sqlite") mkdirSync(path.dirname(path.resolve(root, url.replace(/^file:/, ""))), { recursive: true });
  const file = provider === "sqlite" ? path.resolve(root, url.replace(/^file:/, "")) : null;
  if (file && (await everyMigrationApplied(file))) {
    if (!process.env.KEYWARD_QUIET) console.log("No pending migrations to apply.");
  } else {
    const out = prisma(["migrate", "deploy", "--config", `prisma/${provider}.config.ts`], { ...cliEnv, DATABASE_URL: url });
    if (file) await switchToWriteAheadLog(file);
    if (!process.env.KEYWARD_QUIET)
      console.log(
        out
          .trim()
          .split("\n")
          .filter((l) => /migration|applied|No pending/i.test(l))
          .join("\n"),
      );
  }
} else if (command === "new-migration") {
  const name = (rest[0] || "").replace(/[^a-z0-9_]/gi, "_");
  if (!name) {
    console.error("usage: npm run db:migration -- <name>");
    process.exit(1);
  }
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  for (const provider of Object.keys(providers)) {
    const previous = path.join(prismaDir, provider, "schema.prisma");
    const next = path.join(prismaDir, provider, ".next.prisma");
    writeFileSync(next, render(provider));
    const migrations = path.join(prismaDir, provider, "migrations");
    const from = existsSync(path.join(migrations, "migration_lock.toml")) ? ["--from-schema-datamodel", previous] : ["--from-empty"];
    const sql = prisma(
      ["migrate", "diff", "--config", `prisma/${provider}.config.ts`, ...from, "--to-schema-datamodel", next, "--script"],
      {
        ...cliEnv,
        DATABASE_URL: provider === "sqlite" ? DEFAULT_DATABASE_URL : process.env.MIGRATION_POSTGRES_URL || "postgresql://localhost/keyward",
      },
    );
    rmSync(next);
    if (!sql.trim() || /^-- This is an empty migration/.test(sql.trim())) {
      console.log(`${provider}: no changes`);
      continue;
    }
    const dir = path.join(migrations, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql);
    writeFileSync(path.join(migrations, "migration_lock.toml"), `provider = "${providers[provider]}"\n`);
    writeFileSync(previous, render(provider));
    console.log(`${provider}: wrote ${path.relative(root, dir)}/migration.sql`);
  }
} else {
  console.error("usage: node scripts/prisma.mjs generate | migrate | new-migration <name>");
  process.exit(1);
}
