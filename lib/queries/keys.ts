import { z } from "zod";
import type { Db, Prisma } from "../db/client";
import { dbProvider } from "../db/client";
import { KEY_STATUSES, type KeyStatus } from "../keys";
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
      return { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
    default:
      return {};
  }
}

/** Name contains the text; or the text is a display form / prefix / last 4 of a key (kw_live_…a1b2). */
export function searchWhere(q: string): Prisma.ApiKeyWhereInput {
  if (!q) return {};
  const insensitive = dbProvider() === "postgres" ? ({ mode: "insensitive" } as const) : {};
  const or: Prisma.ApiKeyWhereInput[] = [{ name: { contains: q, ...insensitive } }];
  const display = /^([a-z][a-z0-9]{1,7}_(?:live|test)_)?(?:…|\.\.\.)?([A-Za-z0-9]{4})$/.exec(q);
  if (display) {
    or.push(display[1] ? { displayPrefix: display[1], last4: display[2] } : { last4: display[2] });
  } else if (/^[a-z][a-z0-9]{1,7}_(live|test)_?$/.test(q)) {
    or.push({ displayPrefix: { startsWith: q } });
  }
  return { OR: or };
}

function orderBy(sort: KeySort, dir: "asc" | "desc"): Prisma.ApiKeyOrderByWithRelationInput[] {
  const nulls = dir === "asc" ? "last" : "first";
  switch (sort) {
    case "lastUsed":
      return [{ lastUsedAt: { sort: dir, nulls: dir === "desc" ? "last" : "first" } }, { createdAt: "desc" }, { id: "asc" }];
    case "expires":
      return [{ expiresAt: { sort: dir, nulls } }, { createdAt: "desc" }, { id: "asc" }];
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
  const search = searchWhere(params.q);
  const where: Prisma.ApiKeyWhereInput = { orgId, ...statusWhere(params.status, now), ...search };
  const countOf = (status: KeyStatus) => db.apiKey.count({ where: { orgId, ...statusWhere(status, now), ...search } });
  const [active, expired, revoked] = await Promise.all(KEY_STATUSES.map(countOf));
  const counts = { active, expired, revoked, all: active + expired + revoked };
  const total = counts[params.status];
  const pageCount = Math.max(1, Math.ceil(total / KEY_PAGE_SIZE));
  const page = Math.min(params.page, pageCount);
  const rows = await db.apiKey.findMany({
    where,
    include: keyInclude,
    orderBy: orderBy(params.sort, params.dir),
    skip: (page - 1) * KEY_PAGE_SIZE,
    take: KEY_PAGE_SIZE,
  });
  return { rows: rows.map((row) => toKeyView(row, now)), total, page, pageCount, counts };
}

export async function getKeyDetail(db: Db, orgId: string, keyId: string, now = new Date()) {
  const row = await db.apiKey.findFirst({ where: { id: keyId, orgId }, include: keyDetailInclude });
  return row ? toKeyView(row, now) : null;
}
