#!/usr/bin/env node
// The e2e suite on SQLite (the default), then once more on PostgreSQL when TEST_POSTGRES_URL is set: every journey,
// without the browser-only specs (see playwright.config.ts).
import { spawnSync } from "node:child_process";
import pg from "pg";

function playwright(env) {
  const res = spawnSync(process.execPath, ["node_modules/@playwright/test/cli.js", "test", ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  return res.status ?? 1;
}

async function admin(url, sql) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let status = playwright({});
const pgUrl = process.env.TEST_POSTGRES_URL;
if (status === 0 && pgUrl) {
  const name = `keyward_e2e_${process.pid}`;
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  await admin(pgUrl, `CREATE DATABASE "${name}"`);
  console.log(`\ne2e again on PostgreSQL (${name})`);
  try {
    status = playwright({ E2E_DATABASE_URL: url.toString(), E2E_DATA_DIR: ".e2e-data-postgres", E2E_BROWSER_ONLY: "skip" });
  } finally {
    // An autovacuum worker on the database refuses to be ended (42501) for a few seconds: try again, then leave it.
    for (let attempt = 1; attempt <= 10; attempt++) {
      try {
        await admin(pgUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        break;
      } catch (error) {
        if (attempt === 10) console.warn(`could not drop ${name}: ${error.message}`);
        else await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
process.exit(status);
