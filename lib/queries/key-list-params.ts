// The keys list's URL state: no database imports, so client components (filters, links) can use it too.
import { z } from "zod";
import { looksLikeKeywardSecret } from "../keys/universal";
import { ownerSchema, tagFilterSchema } from "../validations/key";
import { text } from "../validations/text";

export const KEY_LIST_FILTERS = ["active", "expired", "revoked", "all"] as const;
export type KeyListFilter = (typeof KEY_LIST_FILTERS)[number];
export const KEY_SORTS = ["created", "lastUsed", "expires", "name"] as const;
export type KeySort = (typeof KEY_SORTS)[number];
export const KEY_PAGE_SIZE = 25;

/** The list's state as it lives in the URL; anything unrecognised falls back to the default. */
export const keyListParamsSchema = z.object({
  status: z.enum(KEY_LIST_FILTERS).catch("active"),
  // A secret is looked up by hash (a POST from the search box), never searched for or echoed from a URL.
  q: text()
    .trim()
    .max(100)
    .transform((q) => (looksLikeKeywardSecret(q) ? "" : q))
    .catch(""),
  /** Exact tag and owner filters ("" for none); a value no tag or owner may be is dropped. */
  tag: tagFilterSchema.catch(""),
  owner: ownerSchema.transform((owner) => (looksLikeKeywardSecret(owner) ? "" : owner)).catch(""),
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
    tag: first(search.tag) ?? "",
    owner: first(search.owner) ?? "",
    sort: first(search.sort) ?? "created",
    dir: first(search.dir) ?? "desc",
    page: first(search.page) ?? 1,
  });
}
