import { z } from "zod";
import type { Db, Prisma } from "../db/client";
import { nameSearchText } from "../api-keys/search-name";
import { keyInclude, toKeyView, type KeyView } from "../api-keys/serialize";
import { KEY_LIST_FILTERS } from "./key-list-params";
import { statusWhere } from "./keys";
import { providerOfDb } from "../db/client";
import { OWNER_MAX, tagFilterSchema } from "../validations/key";
import { text } from "../validations/text";

// The management API's list: newest first, paged by a cursor over (createdAt desc, id asc) so a page never
// repeats or skips a key when keys are created or revoked between requests (offset paging would).

export const KEY_CURSOR_PAGE_MAX = 100;
export const KEY_CURSOR_PAGE_DEFAULT = 50;

const CURSOR_MAX_LENGTH = 200;

export interface KeyCursor {
  createdAt: Date;
  id: string;
}

export function encodeKeyCursor(cursor: KeyCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt.toISOString(), cursor.id]), "utf8").toString("base64url");
}

export function decodeKeyCursor(text: string): KeyCursor | null {
  if (text.length > CURSOR_MAX_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string" || typeof value[1] !== "string") return null;
    const createdAt = new Date(value[0]);
    if (Number.isNaN(createdAt.getTime()) || !/^key_[A-Za-z0-9]{1,40}$/.test(value[1])) return null;
    return { createdAt, id: value[1] };
  } catch {
    return null;
  }
}

const DISPLAY = /^([a-z][a-z0-9]{1,7}_(?:live|test)_)(?:(?:…|\.\.\.)([A-Za-z0-9]{4}))?$/;

/** The query string of GET /api/v1/keys. Unlike the console's URL state, bad values are refused, not defaulted. */
export const keyCursorQuerySchema = z.object({
  status: z.enum(KEY_LIST_FILTERS, { error: "Use one of: active, expired, revoked, all" }).default("all"),
  name: text().trim().max(100, "Keep the name filter to 100 characters").optional().meta({ description: "Name contains this text" }),
  prefix: text()
    .trim()
    .regex(DISPLAY, "Use a key prefix such as kw_live_ or a display form such as kw_live_…a1b2")
    .optional()
    .meta({ description: "A secret prefix such as `kw_live_`, or a display form such as `kw_live_…a1b2`" }),
  tag: tagFilterSchema.optional().meta({ description: "Only keys carrying this tag" }),
  owner: text()
    .trim()
    .max(OWNER_MAX, `Keep the owner filter to ${OWNER_MAX} characters`)
    .optional()
    .meta({ description: "Only keys of this owner (exact)" }),
  enabled: z
    .enum(["true", "false"], { error: "Use enabled=true or enabled=false" })
    .transform((v) => v === "true")
    .optional()
    .meta({ description: "Only enabled (true) or disabled (false) keys" }),
  limit: z.coerce
    .number({ error: "The limit must be a number" })
    .int("The limit must be a whole number")
    .min(1, "The limit must be at least 1")
    .max(KEY_CURSOR_PAGE_MAX, `The limit can be at most ${KEY_CURSOR_PAGE_MAX}`)
    .default(KEY_CURSOR_PAGE_DEFAULT),
  cursor: text()
    .optional()
    .refine(
      (text) => text === undefined || decodeKeyCursor(text) !== null,
      "That cursor is not valid; use nextCursor from the previous page",
    )
    .meta({ description: "The previous page's `nextCursor`" }),
});
export type KeyCursorQuery = z.output<typeof keyCursorQuerySchema>;

export interface KeyCursorPage {
  data: KeyView[];
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

function filtersWhere(db: Db, query: KeyCursorQuery): Prisma.ApiKeyWhereInput[] {
  const and: Prisma.ApiKeyWhereInput[] = [];
  if (query.name) {
    const insensitive = providerOfDb(db) === "postgres" ? ({ mode: "insensitive" } as const) : {};
    const text = nameSearchText(query.name);
    and.push(text === null ? { id: { in: [] } } : { searchName: { contains: text, ...insensitive } });
  }
  if (query.tag) and.push({ tags: { some: { tag: query.tag } } });
  if (query.owner) and.push({ owner: query.owner });
  if (query.enabled !== undefined) and.push({ disabledAt: query.enabled ? null : { not: null } });
  const display = query.prefix ? DISPLAY.exec(query.prefix) : null;
  if (display) and.push(display[2] ? { displayPrefix: display[1], last4: display[2] } : { displayPrefix: display[1] });
  return and;
}

function afterCursor(cursor: KeyCursor): Prisma.ApiKeyWhereInput {
  return {
    OR: [{ createdAt: { lt: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { gt: cursor.id } }],
  };
}

export async function listKeysByCursor(db: Db, orgId: string, query: KeyCursorQuery, now = new Date()): Promise<KeyCursorPage> {
  const cursor = query.cursor ? decodeKeyCursor(query.cursor) : null;
  const rows = await db.apiKey.findMany({
    // AND, not object spread: the status, filters and cursor conditions may each use OR/NOT.
    where: { AND: [{ orgId }, statusWhere(query.status, now), ...filtersWhere(db, query), ...(cursor ? [afterCursor(cursor)] : [])] },
    include: keyInclude,
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    data: page.map((row) => toKeyView(row, now)),
    nextCursor: rows.length > query.limit && last ? encodeKeyCursor(last) : null,
  };
}
