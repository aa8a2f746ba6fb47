import type { KeyListParams } from "@/lib/queries/key-list-params";

const DEFAULTS: KeyListParams = { status: "active", q: "", sort: "created", dir: "desc", page: 1 };

/** The list URL for a state, leaving defaults out so shared links stay short. Changing a filter resets the page. */
export function keyListHref(current: KeyListParams, patch: Partial<KeyListParams>): string {
  const next = { ...current, ...("page" in patch ? {} : { page: 1 }), ...patch };
  const search = new URLSearchParams();
  for (const key of ["status", "q", "sort", "dir", "page"] as const) {
    if (String(next[key]) !== String(DEFAULTS[key])) search.set(key, String(next[key]));
  }
  const query = search.toString();
  return query ? `/keys?${query}` : "/keys";
}
