"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { X } from "lucide-react";
import { inputClass } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import { looksLikeKeywardSecret } from "@/lib/keys/universal";
import { KEY_LIST_FILTERS, type KeyListFilter, type KeyListParams } from "@/lib/queries/key-list-params";
import { keyListHref } from "./_components/list-url";
import { LeakedSecretLookup } from "./leaked-secret-lookup";

const CHIP =
  "inline-flex items-center gap-1 rounded-full bg-indigo-50 px-3 py-1 text-indigo-800 ring-1 ring-indigo-600/20 ring-inset hover:bg-indigo-100";

const FILTER_LABELS: Record<KeyListFilter, string> = { active: "Active", expired: "Expired", revoked: "Revoked", all: "All" };

const SORTS = [
  { value: "created:desc", label: "Newest first" },
  { value: "created:asc", label: "Oldest first" },
  { value: "lastUsed:desc", label: "Recently used" },
  { value: "lastUsed:asc", label: "Least recently used" },
  { value: "expires:asc", label: "Expiring soonest" },
  { value: "expires:desc", label: "Expiring latest" },
  { value: "name:asc", label: "Name A–Z" },
] as const;

/**
 * Status tabs with counts, search by name, owner or prefix, a tag filter (owner and tag chips in rows filter too), and sort — all kept in the URL. A pasted secret is the
 * exception: it never reaches the URL, and is looked up by hash instead (LeakedSecretLookup).
 */
export function KeyFilters({
  params,
  counts,
  canRevoke,
  tags,
}: {
  params: KeyListParams;
  counts: Record<KeyListFilter, number>;
  canRevoke: boolean;
  /** The organization's tags in use, for the tag filter. */
  tags: string[];
}) {
  const router = useRouter();
  const [q, setQ] = useState(params.q);
  // The search the URL last got from this box; any other change of ?q= (Clear search, Back) resets the box.
  const pushed = useRef(params.q);

  useEffect(() => {
    if (params.q !== pushed.current) setQ(params.q);
    pushed.current = params.q;
  }, [params.q]);

  const pastedSecret = looksLikeKeywardSecret(q.trim()) ? q.trim() : null;

  const search = (text: string) => {
    if (looksLikeKeywardSecret(text)) return;
    pushed.current = text;
    router.replace(keyListHref(params, { q: text }));
  };

  // Debounced: the URL (and the server query) follow the box a moment after typing stops.
  useEffect(() => {
    if (q.trim() === params.q) return;
    const timer = setTimeout(() => search(q.trim()), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `search` is recreated every render
  }, [q, params.q]);

  const sortValue = `${params.sort}:${params.dir}`;
  return (
    <div className="space-y-3">
      <div className="flex flex-col gap-3 lg:flex-row lg:items-center lg:justify-between">
        <nav aria-label="Key status">
          <ul className="flex flex-wrap gap-1">
            {KEY_LIST_FILTERS.map((filter) => {
              const current = params.status === filter;
              return (
                <li key={filter}>
                  <Link
                    href={keyListHref(params, { status: filter })}
                    aria-current={current ? "page" : undefined}
                    className={cn(
                      "flex items-center gap-1.5 rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap",
                      current ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-200",
                    )}
                  >
                    {FILTER_LABELS[filter]}
                    <span
                      className={cn("rounded-full px-1.5 text-xs tabular-nums", current ? "bg-indigo-500" : "bg-slate-200 text-slate-700")}
                    >
                      {counts[filter]}
                    </span>
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="flex flex-col gap-2 sm:flex-row">
          <form
            method="get"
            role="search"
            onSubmit={(event) => {
              event.preventDefault();
              search(q.trim());
            }}
          >
            <label htmlFor="key-search" className="sr-only">
              Search keys by name or prefix
            </label>
            <input
              id="key-search"
              type="search"
              value={q}
              maxLength={100}
              placeholder="Name, owner, prefix or a leaked secret"
              className={inputClass(false, "sm:w-56")}
              onChange={(event) => setQ(event.target.value)}
            />
          </form>
          {(tags.length > 0 || params.tag) && (
            <>
              <label htmlFor="key-tag" className="sr-only">
                Filter by tag
              </label>
              <select
                id="key-tag"
                value={params.tag}
                className={inputClass(false, "sm:w-40")}
                onChange={(event) => router.replace(keyListHref(params, { tag: event.target.value }))}
              >
                <option value="">All tags</option>
                {tags.map((tag) => (
                  <option key={tag} value={tag}>
                    {tag}
                  </option>
                ))}
                {params.tag && !tags.includes(params.tag) && <option value={params.tag}>{params.tag}</option>}
              </select>
            </>
          )}
          <label htmlFor="key-sort" className="sr-only">
            Sort keys
          </label>
          <select
            id="key-sort"
            value={sortValue}
            className={inputClass(false, "sm:w-44")}
            onChange={(event) => {
              const [sort, dir] = event.target.value.split(":") as [KeyListParams["sort"], KeyListParams["dir"]];
              router.replace(keyListHref(params, { sort, dir }));
            }}
          >
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
            {!SORTS.some((s) => s.value === sortValue) && <option value={sortValue}>{sortValue}</option>}
          </select>
        </div>
      </div>
      {(params.tag || params.owner) && (
        <ul className="flex flex-wrap gap-2 text-sm" aria-label="Active filters">
          {params.tag && (
            <li>
              <Link href={keyListHref(params, { tag: "" })} className={CHIP} aria-label={`Tag: ${params.tag} (remove this filter)`}>
                Tag: <span className="font-mono">{params.tag}</span> <X aria-hidden="true" className="size-3.5" />
              </Link>
            </li>
          )}
          {params.owner && (
            <li>
              <Link href={keyListHref(params, { owner: "" })} className={CHIP} aria-label={`Owner: ${params.owner} (remove this filter)`}>
                Owner: {params.owner} <X aria-hidden="true" className="size-3.5" />
              </Link>
            </li>
          )}
        </ul>
      )}
      {pastedSecret && <LeakedSecretLookup key={pastedSecret} secret={pastedSecret} canRevoke={canRevoke} />}
    </div>
  );
}
