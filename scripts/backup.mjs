#!/usr/bin/env node
// Backs up the database DATABASE_URL names while Keyward runs, and restores a backup into a new, empty one.
//   backup <file>    SQLite: SQLite's online backup API (better-sqlite3), a consistent copy of a live database
//                    PostgreSQL: pg_dump --format=custom (Debian's postgresql-client)
//   restore <file>   SQLite: into a database file that does not exist yet; PostgreSQL: pg_restore into an
//                    empty database. Start Keyward on it afterwards: it applies any newer migration.
// The master key is never part of a backup: keep KEYWARD_MASTER_KEY (or data/master.key) apart, with it.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";

const [command, file] = process.argv.slice(2);
const url = process.env.DATABASE_URL?.trim() || `file:${process.env.KEYWARD_DATA_DIR?.trim() || "./data"}/keyward.db`;

function fail(message, code = 1) {
  console.error(message);
  process.exit(code);
}

if (!["backup", "restore"].includes(command) || !file) {
  fail("usage: npm run backup -- <file>   |   npm run restore -- <file>   (DATABASE_URL names the database)", 2);
}

/** libpq takes the URL without its password, which goes in PGPASSWORD: nothing secret in the process list. */
function libpq(databaseUrl) {
  const u = new URL(databaseUrl);
  const password = decodeURIComponent(u.password);
  u.password = "";
  return { dbname: u.toString(), env: { ...process.env, ...(password ? { PGPASSWORD: password } : {}) } };
}

function run(binary, args, env) {
  const res = spawnSync(binary, args, { env, stdio: ["ignore", "inherit", "inherit"] });
  if (res.error) fail(`${binary}: ${res.error.message} (install Debian's postgresql-client)`);
  if (res.status !== 0) fail(`${binary} failed (exit ${res.status}); nothing was kept`);
}

async function main() {
  const target = path.resolve(file);
  if (url.startsWith("file:")) {
    const database = path.resolve(url.slice("file:".length));
    if (command === "backup") {
      if (!existsSync(database)) fail(`No SQLite database at ${database}`);
      mkdirSync(path.dirname(target), { recursive: true });
      const partial = `${target}.partial`;
      const source = new Database(database, { readonly: true, fileMustExist: true });
      try {
        await source.backup(partial);
      } finally {
        source.close();
      }
      renameSync(partial, target);
    } else {
      if (!existsSync(target)) fail(`No backup at ${target}`);
      for (const existing of [database, `${database}-wal`, `${database}-shm`]) {
        if (existsSync(existing)) fail(`${existing} exists: restore into a new database file (stop Keyward, move it away first)`);
      }
      mkdirSync(path.dirname(database), { recursive: true });
      copyFileSync(target, `${database}.partial`);
      renameSync(`${database}.partial`, database);
    }
  } else if (/^postgres(ql)?:\/\//.test(url)) {
    const { dbname, env } = libpq(url);
    if (command === "backup") {
      const partial = `${target}.partial`;
      run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${partial}`, `--dbname=${dbname}`], env);
      renameSync(partial, target);
    } else {
      if (!existsSync(target)) fail(`No backup at ${target}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'");
        if (rows[0].n > 0) fail("The database DATABASE_URL names is not empty: restore into a new database (createdb)");
      } finally {
        await client.end();
      }
      run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${dbname}`, target], env);
    }
  } else {
    fail("DATABASE_URL must start with file: or postgres:// / postgresql://");
  }
  console.error(
    command === "backup"
      ? `Backed up to ${target}. The master key is not in it: keep KEYWARD_MASTER_KEY (or data/master.key) with it, apart.`
      : "Restored. Start Keyward on it with the master key of the instance it came from.",
  );
}

main().catch((error) => {
  rmSync(`${path.resolve(file)}.partial`, { force: true });
  fail(`${command} failed: ${error instanceof Error ? error.message : String(error)}`);
});
