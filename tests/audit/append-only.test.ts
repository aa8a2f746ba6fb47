// The audit log is append-only in the database itself (triggers from the audit_append_only migration, on
// both backends): an UPDATE, DELETE or TRUNCATE sent over the application's own connection is refused,
// whatever code sends it. The source scan below stays as the early warning: it names the line that would
// otherwise fail only at run time, on a path the tests may not cover.
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { setUpTestDb, testBackend } from "../support/db";
import { createOrg } from "../support/fixtures";

const { db } = await setUpTestDb();
const org = await createOrg(db, { name: "Ledger" });
const APPEND_ONLY = /AuditEvent is append-only/;

async function oneEvent(action: string) {
  await recordAudit(db, { orgId: org.orgId, actor: { type: "system", label: "test" }, action, data: { n: 1 } });
  return db.auditEvent.findFirstOrThrow({ where: { action } });
}

describe("the database refuses to change or remove audit events", () => {
  it("inserts are allowed", async () => {
    const event = await oneEvent("key.created");
    expect(event).toMatchObject({ orgId: org.orgId, action: "key.created", data: '{"n":1}' });
  });

  it.each([
    ["UPDATE", `UPDATE "AuditEvent" SET "action" = 'key.forged', "data" = '{}' WHERE "id" = $1`],
    ["update (lower case)", `update "AuditEvent" set "actorLabel" = 'someone else' where "id" = $1`],
    ["DELETE", `DELETE FROM "AuditEvent" WHERE "id" = $1`],
    ["delete of every row", `delete from "AuditEvent" where "id" >= $1`],
  ])("%s through the real connection is refused and changes nothing", async (_label, sql) => {
    const event = await oneEvent(`key.revoked.${_label}`);
    const before = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
    const param = testBackend === "postgres" ? sql : sql.replace("$1", "?");
    await expect(db.$executeRawUnsafe(param, event.id)).rejects.toThrow(APPEND_ONLY);
    expect(await db.auditEvent.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  // Prisma maps SQLite's trigger abort (SQLITE_CONSTRAINT_TRIGGER) to a generic constraint error, so only
  // the raw statements above can be matched on the trigger's message on both backends.
  it("the Prisma client's update and delete are refused too", async () => {
    const event = await oneEvent("member.invited");
    const before = await db.auditEvent.findMany({ orderBy: { id: "asc" } });
    await expect(db.auditEvent.update({ where: { id: event.id }, data: { actorLabel: "nobody" } })).rejects.toThrow();
    await expect(db.auditEvent.deleteMany({ where: { orgId: org.orgId } })).rejects.toThrow();
    expect(await db.auditEvent.findMany({ orderBy: { id: "asc" } })).toEqual(before);
  });

  it("deleting the organization (which would cascade to its events) is refused and removes nothing", async () => {
    const events = await db.auditEvent.count({ where: { orgId: org.orgId } });
    expect(events).toBeGreaterThan(0);
    await expect(db.organization.delete({ where: { id: org.orgId } })).rejects.toThrow();
    expect(await db.organization.count({ where: { id: org.orgId } })).toBe(1);
    expect(await db.auditEvent.count({ where: { orgId: org.orgId } })).toBe(events);
  });

  it.runIf(testBackend === "postgres")("TRUNCATE is refused (PostgreSQL)", async () => {
    const before = await db.auditEvent.count();
    await expect(db.$executeRawUnsafe(`TRUNCATE "AuditEvent"`)).rejects.toThrow(APPEND_ONLY);
    expect(await db.auditEvent.count()).toBe(before);
  });
});

// Every source file anywhere in the checkout (TypeScript, JavaScript in any module flavour, SQL), matched
// case-insensitively. Only this test file, which issues the refused statements on purpose, is exempt.
const root = path.resolve(import.meta.dirname, "../..");
const SKIP_DIRS = new Set(["node_modules", "generated", ".git"]);
const SOURCE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs|sql)$/;
const WRITES_AUDIT =
  /auditEvent\s*\.\s*(update|updateMany|updateManyAndReturn|delete|deleteMany|upsert)\b|\b(update|delete\s+from|truncate(\s+table)?)\s+["'`]?(public\.)?["'`]?auditEvent\b/i;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const file = path.join(dir, entry);
    // Build output (.next, .next-*), test data and browser profiles are not sources.
    if (SKIP_DIRS.has(entry) || (entry.startsWith(".") && entry !== ".ci")) return [];
    if (statSync(file).isDirectory()) return sourceFiles(file);
    return SOURCE.test(entry) ? [path.relative(root, file)] : [];
  });
}

describe("no source file updates or deletes audit events", () => {
  const files = sourceFiles(root).filter((f) => f !== path.relative(root, import.meta.filename));

  it("scans the server entry point, server/, scripts/ (.mjs), bin/, cli/, lib/, app/ and the migrations", () => {
    for (const file of ["server.ts", "server/next-worker.mjs", "scripts/prisma.mjs", "bin/keyward.mjs", "lib/audit.ts"])
      expect(files).toContain(file);
    for (const dir of ["app/", "cli/", "components/", "prisma/sqlite/migrations/", "prisma/postgres/migrations/"])
      expect(files.some((f) => f.startsWith(dir))).toBe(true);
  });

  it("the pattern catches each way of writing it", () => {
    for (const line of [
      "db.auditEvent.update({",
      "tx.auditEvent.deleteMany({})",
      'DELETE FROM "AuditEvent"',
      "delete from auditevent where id = 1",
      "Update `AuditEvent` set",
      'TRUNCATE TABLE "AuditEvent"',
      'truncate public."AuditEvent"',
    ])
      expect(line).toMatch(WRITES_AUDIT);
    expect('CREATE TRIGGER "AuditEvent_no_update" BEFORE UPDATE ON "AuditEvent"').not.toMatch(WRITES_AUDIT);
    expect("db.auditEvent.create({").not.toMatch(WRITES_AUDIT);
  });

  it("finds none", () => {
    expect(files.filter((f) => WRITES_AUDIT.test(readFileSync(path.join(root, f), "utf8")))).toEqual([]);
  });
});
