import { describe, expect, it } from "vitest";
import { listKeys, parseKeyListParams } from "@/lib/queries/keys";
import { keyCursorQuerySchema, listKeysByCursor } from "@/lib/queries/keys-cursor";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";

// "%", "_" and "\" in a key search match themselves, on SQLite and PostgreSQL, in the console's list (?q=) and
// the API's (?name=).

describe("key search matches the literal text", async () => {
  const { db } = await setUpTestDb();
  const acme = await createOrg(db);
  for (const name of ["100% uptime", "ci_deploy", "cixdeploy", "back\\slash", "Plain key"]) await makeKey(db, acme.actor, { name });

  const consoleSearch = async (q: string) =>
    (await listKeys(db, acme.orgId, parseKeyListParams({ q, status: "all" }))).rows.map((r) => r.name).sort();
  const apiSearch = async (name: string) =>
    (await listKeysByCursor(db, acme.orgId, keyCursorQuerySchema.parse({ name }))).data.map((r) => r.name).sort();

  it.each([
    ["%", ["100% uptime"]],
    ["0%", ["100% uptime"]],
    ["_", ["ci_deploy"]],
    ["ci_d", ["ci_deploy"]],
    ["\\", ["back\\slash"]],
    ["k\\s", ["back\\slash"]],
    ["CI", ["ci_deploy", "cixdeploy"]],
    ["\uE000", []],
  ])("%j finds %j", async (query, expected) => {
    expect(await consoleSearch(query)).toEqual(expected);
    expect(await apiSearch(query)).toEqual(expected);
  });

  it("keeps the counts in step with the rows", async () => {
    const page = await listKeys(db, acme.orgId, parseKeyListParams({ q: "_", status: "all" }));
    expect(page.counts.all).toBe(1);
  });

  it("finds a renamed key by its new name", async () => {
    const { editKey } = await import("@/lib/api-keys/edit-key");
    const { editKeySchema } = await import("@/lib/validations/key");
    const made = await makeKey(db, acme.actor, { name: "before rename" });
    await editKey(db, acme.actor, editKeySchema.parse({ keyId: made.key.id, name: "after_rename%" }));
    expect(await consoleSearch("_rename%")).toEqual(["after_rename%"]);
    expect(await apiSearch("before")).toEqual([]);
  });
});
