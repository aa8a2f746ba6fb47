import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { createDatabaseFrom, dropDatabase } from "./support/postgres";
import { migrateDatabase as migrate } from "../lib/db/migrate";

declare module "vitest" {
  export interface ProvidedContext {
    sqliteTemplate: string;
    postgresTemplate: string;
  }
}

/**
 * Migrates one template database per backend with the committed migrations (the real CLI path); each test
 * file copies it. PostgreSQL only for the "postgres" project, which exists when TEST_POSTGRES_URL is set.
 */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(tmpdir(), "keyward-test-"));
  const file = path.join(dir, "template.db");
  migrate(`file:${file}`);
  project.provide("sqliteTemplate", file);

  const pgUrl = process.env.TEST_POSTGRES_URL;
  let pgTemplate: string | undefined;
  if (pgUrl && project.config.env?.KEYWARD_TEST_DB === "postgres") {
    pgTemplate = `keyward_tpl_${process.pid}`;
    await dropDatabase(pgUrl, pgTemplate);
    migrate(await createDatabaseFrom(pgUrl, pgTemplate));
    project.provide("postgresTemplate", pgTemplate);
  }
  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (pgUrl && pgTemplate) await dropDatabase(pgUrl, pgTemplate);
  };
}
