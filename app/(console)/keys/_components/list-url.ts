import type { KeyListParams } from "@/lib/queries/key-list-params";

export const LIST_DEFAULTS: KeyListParams = { status: "active", q: "", tag: "", owner: "", sort: "created", dir: "desc", page: 1 };

/** The list URL for a state, leaving defaults out so shared links stay short. Changing a filter resets the page. */
export function keyListHref(current: KeyListParams, patch: Partial<KeyListParams>): string {
  const next = { ...current, ...("page" in patch ? {} : { page: 1 }), ...patch };
  const search = new URLSearchParams();
  for (const key of ["status", "q", "tag", "owner", "sort", "dir", "page"] as const) {
    if (String(next[key]) !== String(LIST_DEFAULTS[key])) search.set(key, String(next[key]));
  }
  const query = search.toString();
  return query ? `/keys?${query}` : "/keys";
}
