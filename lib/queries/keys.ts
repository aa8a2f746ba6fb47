import { z } from "zod";
import type { Db, Prisma } from "../db/client";
import { providerOfDb, type DatabaseProvider } from "../db/client";
import type { KeyStatus } from "../keys";
import { keyDetailInclude, keyInclude, toKeyView, type KeyView } from "../api-keys/serialize";

export const KEY_LIST_FILTERS = ["active", "expired", "revoked", "all"] as const;
export type KeyListFilter = (typeof KEY_LIST_FILTERS)[number];
export const KEY_SORTS = ["created", "lastUsed", "expires", "name"] as const;
export type KeySort = (typeof KEY_SORTS)[number];
export const KEY_PAGE_SIZE = 25;

/** The list's state as it lives in the URL; anything unrecognised falls back to the default. */
export const keyListParamsSchema = z.object({
  status: z.enum(KEY_LIST_FILTERS).catch("active"),
  q: z.string().trim().max(100).catch(""),
  sort: z.enum(KEY_SORTS).catch("created"),
  dir: z.enum(["asc", "desc"]).catch("desc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});
export type KeyListParams = z.output<typeof keyListParamsSchema>;

export function parseKeyListParams(search: Record<string, string | string[] | undefined>): KeyListParams {
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return keyListParamsSchema.parse({
    status: first(search.status) ?? "active",
    q: first(search.q) ?? "",
    sort: first(search.sort) ?? "created",
    dir: first(search.dir) ?? "desc",
    page: first(search.page) ?? 1,
  });
}

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

/** Name contains the text; or the text is a display form / prefix / last 4 of a key (kw_live_…a1b2). */
export function searchWhere(q: string, provider: DatabaseProvider): Prisma.ApiKeyWhereInput {
  if (!q) return {};
  const insensitive = provider === "postgres" ? ({ mode: "insensitive" } as const) : {};
  const or: Prisma.ApiKeyWhereInput[] = [{ name: { contains: q, ...insensitive } }];
  const display = /^([a-z][a-z0-9]{1,7}_(?:live|test)_)?(?:…|\.\.\.)?([A-Za-z0-9]{4})$/.exec(q);
  if (display) {
    or.push(display[1] ? { displayPrefix: display[1], last4: display[2] } : { last4: display[2] });
  } else if (/^[a-z][a-z0-9]{1,7}_(live|test)_?$/.test(q)) {
    or.push({ displayPrefix: { startsWith: q } });
  }
  return { OR: or };
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

export async function listKeys(db: Db, orgId: string, params: KeyListParams, now = new Date()): Promise<KeyListPage> {
  const provider = providerOfDb(db);
  const search = searchWhere(params.q, provider);
  // AND, not object spread: the status and the search conditions may both use OR/NOT.
  const scoped = (...conditions: Prisma.ApiKeyWhereInput[]): Prisma.ApiKeyWhereInput => ({ AND: [{ orgId }, search, ...conditions] });
  const where = scoped(statusWhere(params.status, now));
  // Three index range counts rather than one per status: counting "active" directly scans the NOT
  // condition row by row; the statuses partition the keys, so the rest follows by subtraction.
  const [all, notRevoked, expired] = await Promise.all([
    db.apiKey.count({ where: scoped() }),
    db.apiKey.count({ where: scoped({ revokedAt: null }) }),
    db.apiKey.count({ where: scoped(statusWhere("expired", now)) }),
  ]);
  const counts = { active: notRevoked - expired, expired, revoked: all - notRevoked, all };
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

export async function getKeyDetail(db: Db, orgId: string, keyId: string, now = new Date()) {
  const row = await db.apiKey.findFirst({ where: { id: keyId, orgId }, include: keyDetailInclude });
  return row ? toKeyView(row, now) : null;
}
