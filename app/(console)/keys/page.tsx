import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { listKeys, listTagsInUse, parseKeyListParams, type KeyListParams } from "@/lib/queries/keys";
import { getSparklines } from "@/lib/queries/usage";
import { keyListHref } from "./_components/list-url";
import { KeyFilters } from "./key-filters";
import { KeysTable } from "./keys-table";
import { RevokeLeakedButton } from "./revoke-leaked-dialog";
import { Plus } from "lucide-react";

export const metadata: Metadata = { title: "API keys" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function KeysPage({ searchParams }: { searchParams: SearchParams }) {
  const ctx = await requirePageContext("keys:read");
  const params = parseKeyListParams(await searchParams);
  const now = new Date();
  const list = await listKeys(db, ctx.org.id, params, now);
  const tags = await listTagsInUse(db, ctx.org.id);
  const sparklines = await getSparklines(
    db,
    ctx.org.id,
    list.rows.map((row) => row.id),
    now,
  );
  const canCreate = can(ctx.role, "keys:create");
  const createButton = canCreate ? (
    <Link href="/keys/new" className={buttonClass("primary")}>
      <Plus aria-hidden="true" className="size-4" />
      Create key
    </Link>
  ) : null;
  const revokeLeaked = can(ctx.role, "keys:revoke") ? <RevokeLeakedButton /> : null;

  if (list.counts.all === 0 && !params.q && !params.tag && !params.owner) {
    return (
      <>
        <PageHeader title="API keys" description="Create, scope, and revoke the keys that authenticate API requests." />
        <Card className="p-10 text-center">
          <h2 className="text-base font-semibold">No API keys yet</h2>
          <p className="mx-auto mt-1 max-w-md text-sm text-slate-600">
            A key lets a program call your API. Give each program its own key, with only the scopes it needs, the IP ranges it calls from
            and an expiry date — then revoke it in one step if it leaks.
          </p>
          {createButton ? (
            <div className="mt-4">{createButton}</div>
          ) : (
            <p className="mt-3 text-sm text-slate-500">Ask an admin or team lead to create one.</p>
          )}
        </Card>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="API keys"
        description="Create, scope, and revoke the keys that authenticate API requests."
        actions={
          createButton || revokeLeaked ? (
            <>
              {revokeLeaked}
              {createButton}
            </>
          ) : null
        }
      />
      <div className="space-y-4">
        <KeyFilters params={params} counts={list.counts} canRevoke={can(ctx.role, "keys:revoke")} tags={tags} />
        {/* overflow-clip, not -hidden: a hidden overflow would become the scroll box and break the sticky bulk bar. */}
        <Card className="overflow-clip">
          {list.rows.length === 0 ? (
            <NoMatches params={params} />
          ) : (
            <KeysTable
              rows={list.rows}
              now={now.toISOString()}
              canRevoke={can(ctx.role, "keys:revoke")}
              canRotate={can(ctx.role, "keys:rotate")}
              sparklines={sparklines}
              params={params}
            />
          )}
        </Card>
        {list.pageCount > 1 && <Pagination params={params} page={list.page} pageCount={list.pageCount} total={list.total} />}
      </div>
    </>
  );
}

function NoMatches({ params }: { params: KeyListParams }) {
  const what = params.status === "all" ? "keys" : `${params.status} keys`;
  const narrowed = Boolean(params.q || params.tag || params.owner);
  return (
    <div className="p-10 text-center">
      <h2 className="text-base font-semibold">
        {params.q ? `No ${what} match “${params.q}”` : narrowed ? `No ${what} match these filters` : `No ${what}`}
      </h2>
      <p className="mt-1 text-sm text-slate-600">
        {narrowed
          ? "Search looks at key names, owners and prefixes such as kw_live_…a1b2."
          : "Keys move here as they expire or are revoked."}
      </p>
      <Link
        href={keyListHref(params, { q: "", tag: "", owner: "", status: narrowed ? params.status : "all" })}
        className={buttonClass("secondary", "mt-4")}
      >
        {narrowed ? "Clear search and filters" : "Show all keys"}
      </Link>
    </div>
  );
}

function Pagination({ params, page, pageCount, total }: { params: KeyListParams; page: number; pageCount: number; total: number }) {
  return (
    <nav aria-label="Pages" className="flex items-center justify-between text-sm text-slate-600">
      <span>
        Page {page} of {pageCount} · {total} keys
      </span>
      <span className="flex gap-2">
        {page > 1 && (
          <Link className={buttonClass("secondary")} href={keyListHref(params, { page: page - 1 })}>
            Previous
          </Link>
        )}
        {page < pageCount && (
          <Link className={buttonClass("secondary")} href={keyListHref(params, { page: page + 1 })}>
            Next
          </Link>
        )}
      </span>
    </nav>
  );
}
