import { describe, expect, it } from "vitest";
import { keyStatus } from "@/lib/keys";
import { KEY_LIST_FILTERS, listKeys, parseKeyListParams } from "@/lib/queries/keys";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";

const { db } = await setUpTestDb();

const HOUR = 60 * 60 * 1000;

/** One org with keys in every status, including the edges: expiring exactly now, never expiring, revoked after expiry. */
async function orgWithEveryStatus(now: Date) {
  const { orgId, actor } = await createOrg(db);
  const shapes = [
    { name: "never expires", expiresAt: null, revokedAt: null },
    { name: "expires later", expiresAt: new Date(now.getTime() + 100 * HOUR), revokedAt: null },
    { name: "expires soon", expiresAt: new Date(now.getTime() + 2 * HOUR), revokedAt: null },
    { name: "expires exactly now", expiresAt: now, revokedAt: null },
    { name: "expired", expiresAt: new Date(now.getTime() - HOUR), revokedAt: null },
    { name: "revoked", expiresAt: null, revokedAt: new Date(now.getTime() - HOUR) },
    { name: "revoked and expired", expiresAt: new Date(now.getTime() - 2 * HOUR), revokedAt: new Date(now.getTime() - 3 * HOUR) },
    { name: "revoked, would be active", expiresAt: new Date(now.getTime() + HOUR), revokedAt: new Date(now.getTime() - HOUR) },
  ];
  for (const shape of shapes) {
    const { key } = await makeKey(db, actor, { name: shape.name });
    await db.apiKey.update({ where: { id: key.id }, data: { expiresAt: shape.expiresAt, revokedAt: shape.revokedAt } });
  }
  return { orgId, actor, shapes };
}

describe("listKeys", () => {
  it("filters and counts with the domain core's keyStatus, with and without a search", async () => {
    const now = new Date();
    const { orgId, shapes } = await orgWithEveryStatus(now);
    const expected = (filter: string, q = "") =>
      shapes
        .filter((s) => (filter === "all" || keyStatus(s, now) === filter) && s.name.includes(q))
        .map((s) => s.name)
        .sort();
    for (const q of ["", "expire"]) {
      for (const status of KEY_LIST_FILTERS) {
        const page = await listKeys(db, orgId, parseKeyListParams({ status, q }), now);
        expect(page.rows.map((r) => r.name).sort(), `${status} / "${q}"`).toEqual(expected(status, q));
        expect(page.counts[status], `count ${status} / "${q}"`).toBe(expected(status, q).length);
        for (const row of page.rows) if (status !== "all") expect(row.status).toBe(status);
      }
    }
  });

  it("never returns another organization's keys, nor counts them", async () => {
    const mine = await createOrg(db);
    const other = await createOrg(db, { name: "Other" });
    await makeKey(db, mine.actor, { name: "Shared name" });
    await makeKey(db, other.actor, { name: "Shared name" });
    await makeKey(db, other.actor, { name: "Theirs only" });
    const page = await listKeys(db, mine.orgId, parseKeyListParams({ status: "all" }));
    expect(page.rows.map((r) => r.name)).toEqual(["Shared name"]);
    expect(page.counts.all).toBe(1);
    const search = await listKeys(db, mine.orgId, parseKeyListParams({ status: "all", q: "Theirs" }));
    expect(search.rows).toEqual([]);
  });

  it("finds a key by its display prefix and last four characters", async () => {
    const { orgId, actor } = await createOrg(db);
    const { key, secret } = await makeKey(db, actor, { name: "Findable" });
    await makeKey(db, actor, { name: "Another" });
    for (const q of [key.display, `kw_live_...${secret.slice(-4)}`, secret.slice(-4)]) {
      const page = await listKeys(db, orgId, parseKeyListParams({ q }));
      expect(
        page.rows.map((r) => r.id),
        q,
      ).toEqual([key.id]);
    }
  });

  it("pages on the server and sorts never-used keys last when sorting by last use", async () => {
    const { orgId, actor } = await createOrg(db);
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) ids.push((await makeKey(db, actor, { name: `Key ${String(i).padStart(2, "0")}` })).key.id);
    await db.apiKey.update({ where: { id: ids[3] }, data: { lastUsedAt: new Date() } });
    const first = await listKeys(db, orgId, parseKeyListParams({ sort: "lastUsed" }));
    expect(first.rows).toHaveLength(25);
    expect(first.rows[0].id).toBe(ids[3]);
    expect(first.pageCount).toBe(2);
    const second = await listKeys(db, orgId, parseKeyListParams({ sort: "lastUsed", page: "2" }));
    expect(second.rows).toHaveLength(2);
    const beyond = await listKeys(db, orgId, parseKeyListParams({ page: "99" }));
    expect(beyond.page).toBe(2);
  });
});
