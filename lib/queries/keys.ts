import type { Db, Prisma } from "../db/client";
import { providerOfDb, type DatabaseProvider } from "../db/client";
import type { KeyStatus } from "../keys";
import { nameSearchText } from "../api-keys/search-name";
import { keyDetailInclude, keyInclude, toKeyView, type KeyView } from "../api-keys/serialize";
import { KEY_PAGE_SIZE, type KeyListFilter, type KeyListParams, type KeySort } from "./key-list-params";

export * from "./key-list-params";

/**
 * keyStatus() (lib/keys) as a database condition, so filters and counts agree with the status every
 * row shows; tests/keys/list-keys.test.ts holds the two to each other.
 */
export function statusWhere(status: KeyStatus | "all", now: Date): Prisma.ApiKeyWhereInput {
  switch (status) {
    case "revoked":
      return { revokedAt: { not: null } };
    case "expired":
      return { revokedAt: null, expiresAt: { lte: now } };
    case "active":
      // NOT(expired) rather than "expiresAt IS NULL OR expiresAt > now": SQLite turns that OR into a
      // multi-index union that must be sorted in full, where this lets (orgId, revokedAt, createdAt) serve
      // the first page in index order (bench/keys-list.ts).
      return { revokedAt: null, NOT: { expiresAt: { not: null, lte: now } } };
    default:
      return {};
  }
}

/** Name or owner contains the text; or the text is a display form / prefix / last 4 of a key (kw_live_…a1b2). */
export function searchWhere(q: string, provider: DatabaseProvider): Prisma.ApiKeyWhereInput {
  if (!q) return {};
  const insensitive = provider === "postgres" ? ({ mode: "insensitive" } as const) : {};
  const text = nameSearchText(q);
  const or: Prisma.ApiKeyWhereInput[] =
    text === null ? [] : [{ searchName: { contains: text, ...insensitive } }, { searchOwner: { contains: text, ...insensitive } }];
  const display = /^([a-z][a-z0-9]{1,7}_(?:live|test)_)?(?:…|\.\.\.)?([A-Za-z0-9]{4})$/.exec(q);
  if (display) {
    or.push(display[1] ? { displayPrefix: display[1], last4: display[2] } : { last4: display[2] });
  } else if (/^[a-z][a-z0-9]{1,7}_(live|test)_?$/.test(q)) {
    // Every key's displayPrefix is one of the two "<prefix>_<env>_" forms: the match is exact, no LIKE.
    const prefix = q.endsWith("_") ? q : `${q}_`;
    or.push({ displayPrefix: prefix });
  }
  // Prisma reads an empty OR as no condition at all: say "nothing matches" outright.
  return or.length > 0 ? { OR: or } : { id: { in: [] } };
}

type NullsOrder = "first" | "last";

/**
 * A nullable column's order with NULLs where we want them. SQLite already sorts NULLs first ascending
 * and last descending; saying so explicitly makes Prisma emit a CASE expression no index can serve.
 */
function nullableOrder(dir: "asc" | "desc", nulls: NullsOrder, provider: DatabaseProvider) {
  const sqliteDefault: NullsOrder = dir === "asc" ? "first" : "last";
  return provider === "sqlite" && nulls === sqliteDefault ? { sort: dir } : { sort: dir, nulls };
}

function orderBy(sort: KeySort, dir: "asc" | "desc", provider: DatabaseProvider): Prisma.ApiKeyOrderByWithRelationInput[] {
  switch (sort) {
    case "lastUsed":
      // Never-used keys count as the oldest use: last when newest first, first when oldest first.
      return [{ lastUsedAt: nullableOrder(dir, dir === "desc" ? "last" : "first", provider) }, { createdAt: "desc" }, { id: "asc" }];
    case "expires":
      // Keys that never expire sort as the latest expiry.
      return [{ expiresAt: nullableOrder(dir, dir === "asc" ? "last" : "first", provider) }, { createdAt: "desc" }, { id: "asc" }];
    case "name":
      return [{ name: dir }, { id: "asc" }];
    default:
      return [{ createdAt: dir }, { id: "asc" }];
  }
}

export interface KeyListPage {
  rows: KeyView[];
  total: number;
  page: number;
  pageCount: number;
  counts: Record<KeyListFilter, number>;
}

type Scoped = (...conditions: Prisma.ApiKeyWhereInput[]) => Prisma.ApiKeyWhereInput;

function partition(all: number, revoked: number, expired: number): Record<KeyListFilter, number> {
  // The statuses partition the keys (keyStatus: revoked, else expired, else active).
  return { active: all - revoked - expired, expired, revoked, all };
}

/**
 * The filter counts without a search: three COUNT(*)s that SQLite answers from covering indexes. Prisma's
 * count() wraps a "SELECT id" subquery that reads every row, 5-10x slower at 100k keys (bench/keys-list.ts).
 * Quoted identifiers and bound parameters only, so the SQL is the same on SQLite and PostgreSQL.
 */
async function statusCounts(db: Db, orgId: string, now: Date) {
  type Row = { n: bigint | number }[];
  const n = (rows: Row) => Number(rows[0]?.n ?? 0);
  const all = n(await db.$queryRaw<Row>`SELECT COUNT(*) AS "n" FROM "ApiKey" WHERE "orgId" = ${orgId}`);
  const revoked = n(await db.$queryRaw<Row>`SELECT COUNT(*) AS "n" FROM "ApiKey" WHERE "orgId" = ${orgId} AND "revokedAt" IS NOT NULL`);
  const expired = n(
    await db.$queryRaw<Row>`SELECT COUNT(*) AS "n" FROM "ApiKey" WHERE "orgId" = ${orgId} AND "revokedAt" IS NULL AND "expiresAt" <= ${now}`,
  );
  return partition(all, revoked, expired);
}

async function searchCounts(db: Db, scoped: Scoped, now: Date) {
  const [all, revoked, expired] = await Promise.all([
    db.apiKey.count({ where: scoped() }),
    db.apiKey.count({ where: scoped(statusWhere("revoked", now)) }),
    db.apiKey.count({ where: scoped(statusWhere("expired", now)) }),
  ]);
  return partition(all, revoked, expired);
}

export async function listKeys(db: Db, orgId: string, params: KeyListParams, now = new Date()): Promise<KeyListPage> {
  const provider = providerOfDb(db);
  const search: Prisma.ApiKeyWhereInput = {
    AND: [
      searchWhere(params.q, provider),
      params.tag ? { tags: { some: { tag: params.tag } } } : {},
      params.owner ? { owner: params.owner } : {},
    ],
  };
  const filtered = Boolean(params.q || params.tag || params.owner);
  // AND, not object spread: the status and the search conditions may both use OR/NOT.
  const scoped: Scoped = (...conditions) => ({ AND: [{ orgId }, search, ...conditions] });
  const where = scoped(statusWhere(params.status, now));
  const counts = filtered ? await searchCounts(db, scoped, now) : await statusCounts(db, orgId, now);
  const total = counts[params.status];
  const pageCount = Math.max(1, Math.ceil(total / KEY_PAGE_SIZE));
  const page = Math.min(params.page, pageCount);
  const rows = await db.apiKey.findMany({
    where,
    include: keyInclude,
    orderBy: orderBy(params.sort, params.dir, provider),
    skip: (page - 1) * KEY_PAGE_SIZE,
    take: KEY_PAGE_SIZE,
  });
  return { rows: rows.map((row) => toKeyView(row, now)), total, page, pageCount, counts };
}

/** The organization's tags in use, for the list's tag filter (each is one index range on KeyTag). */
export async function listTagsInUse(db: Db, orgId: string, limit = 200): Promise<string[]> {
  const rows = await db.keyTag.findMany({
    where: { orgId },
    distinct: ["tag"],
    select: { tag: true },
    orderBy: { tag: "asc" },
    take: limit,
  });
  return rows.map((r) => r.tag);
}

export async function getKeyDetail(db: Db, orgId: string, keyId: string, now = new Date()) {
  const row = await db.apiKey.findFirst({ where: { id: keyId, orgId }, include: keyDetailInclude });
  return row ? toKeyView(row, now) : null;
}
