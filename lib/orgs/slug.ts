/** "Acme Corp!" → "acme-corp-3fz9"; the id suffix keeps slugs unique without a lookup. */
export function slugify(name: string, id: string): string {
  const base = name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  return `${base || "org"}-${id.slice(-4).toLowerCase()}`;
}
