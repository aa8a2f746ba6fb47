// Key search is a substring match (`contains`, i.e. LIKE). Prisma cannot add an ESCAPE clause, and SQLite's
// LIKE has no default escape character, so "%" and "_" in a search would act as wildcards. Instead the name
// is also stored with LIKE's special characters swapped for private-use characters that a key name may not
// contain (keyNameSchema refuses \p{Co}), and the search text is swapped the same way: no wildcard is left.
const SWAP: Record<string, string> = { "%": "\uE000", _: "\uE001", "\\": "\uE002" };

/** The stored, searchable form of a key name (ApiKey.searchName). */
export function searchableName(name: string): string {
  return name.replace(/[%_\\]/g, (char) => SWAP[char]);
}

/** The `contains` text for a name search, or null when nothing can match (text no name may hold). */
export function nameSearchText(query: string): string | null {
  if (/\p{Co}/u.test(query)) return null;
  return searchableName(query);
}
