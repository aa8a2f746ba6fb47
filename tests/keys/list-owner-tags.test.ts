import { describe, expect, it } from "vitest";
import { listKeysByCursor, keyCursorQuerySchema } from "@/lib/queries/keys-cursor";
import { listKeys, parseKeyListParams } from "@/lib/queries/keys";
import { setKeyEnabled } from "@/lib/api-keys/set-key-enabled";
import { generateSecret } from "@/lib/keys";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";

const { db } = await setUpTestDb();

async function seed() {
  const org = await createOrg(db);
  const other = await createOrg(db, { name: "Other", keyPrefix: "ot" });
  const a = await makeKey(db, org.actor, { name: "Checkout", owner: "cus_100%_off", tags: ["billing", "prod"] });
  const b = await makeKey(db, org.actor, { name: "Reports", owner: "team-data", tags: ["prod"] });
  const c = await makeKey(db, org.actor, { name: "Sandbox", tags: ["dev"] });
  await makeKey(db, other.actor, { name: "Theirs", owner: "team-data", tags: ["prod"] });
  return { org, a: a.key, b: b.key, c: c.key };
}

const names = (rows: { name: string }[]) => rows.map((r) => r.name).sort();

describe("keys list: owner and tags", () => {
  it("filters by tag and by owner (exact), and the search matches owners literally, within the organization", async () => {
    const { org } = await seed();
    const list = async (search: Record<string, string>) => (await listKeys(db, org.orgId, parseKeyListParams(search))).rows;
    expect(names(await list({ tag: "prod" }))).toEqual(["Checkout", "Reports"]);
    expect(names(await list({ tag: "billing" }))).toEqual(["Checkout"]);
    expect(names(await list({ owner: "team-data" }))).toEqual(["Reports"]);
    expect(names(await list({ owner: "team", tag: "prod" }))).toEqual([]);
    expect(names(await list({ q: "team-da" }))).toEqual(["Reports"]);
    // "%" and "_" are literal in an owner search, not LIKE wildcards.
    expect(names(await list({ q: "100%_" }))).toEqual(["Checkout"]);
    expect(names(await list({ q: "1%0" }))).toEqual([]);
    const counts = (await listKeys(db, org.orgId, parseKeyListParams({ tag: "prod" }))).counts;
    expect(counts).toMatchObject({ all: 2, active: 2 });
  });

  it("drops a tag or owner filter that no tag or owner can be (or a pasted secret) instead of failing", () => {
    const secret = generateSecret({ prefix: "kw", env: "live" }).secret;
    expect(parseKeyListParams({ tag: "Has Space!", owner: secret })).toMatchObject({ tag: "", owner: "" });
  });

  it("the API list filters by tag, owner and enabled", async () => {
    const { org, b } = await seed();
    await setKeyEnabled(db, org.actor, { keyId: b.id, enabled: false });
    const page = async (query: Record<string, string>) =>
      names((await listKeysByCursor(db, org.orgId, keyCursorQuerySchema.parse(query))).data);
    expect(await page({ tag: "prod" })).toEqual(["Checkout", "Reports"]);
    expect(await page({ tag: "prod", enabled: "false" })).toEqual(["Reports"]);
    expect(await page({ enabled: "true", tag: "prod" })).toEqual(["Checkout"]);
    expect(await page({ owner: "team-data" })).toEqual(["Reports"]);
    expect(keyCursorQuerySchema.safeParse({ tag: "Bad Tag" }).success).toBe(false);
  });
});
