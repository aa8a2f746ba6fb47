import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime, RelativeTime } from "@/components/charts/local-time";
import { PageHeader } from "@/components/page-header";
import { buttonClass } from "@/components/ui/button";
import { AuditWhat } from "@/components/audit/audit-parts";
import { AuditRaw } from "@/components/audit/audit-raw";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { db } from "@/lib/db";
import { auditSearch, getAuditFilterOptions, listAuditEvents, parseAuditParams } from "@/lib/queries/audit";
import { AuditFilters } from "./audit-filters";
import { Download } from "lucide-react";

export const metadata: Metadata = { title: "Audit log" };

const TARGET_LABELS: Record<string, string> = { user: "Member", org: "Organization", invite: "Invite" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageContext("audit:read");
  const params = parseAuditParams(await searchParams);
  const [page, options] = await Promise.all([listAuditEvents(db, ctx.org.id, params), getAuditFilterOptions(db, ctx.org.id)]);
  const filters = auditSearch(params);
  const pageHref = (n: number) => {
    const search = new URLSearchParams(filters);
    if (n > 1) search.set("page", String(n));
    return `/audit${search.size ? `?${search}` : ""}`;
  };
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Every change to keys, sign-ins (and failed ones), refusals and organization settings: who, when (in your time zone), from where and with what outcome. The log is append-only."
        actions={
          <a href={`/audit/export${filters.size ? `?${filters}` : ""}`} className={buttonClass("secondary")} download>
            <Download aria-hidden="true" className="size-4" />
            Export CSV
          </a>
        }
      />
      <Card className="mb-4 p-4">
        <AuditFilters key={filters.toString()} options={options} params={params} />
      </Card>
      {/* A table from md up; below that each row is a card (same markup, so one set of tests and labels). */}
      <div className="md:rounded-lg md:border md:border-slate-200 md:bg-white md:shadow-sm">
        <table className="block w-full table-fixed text-left text-sm md:table" data-testid="audit-table">
          <caption className="sr-only">Audit events, newest first</caption>
          <thead className="hidden border-b border-slate-200 bg-slate-50 text-xs text-slate-600 md:table-header-group">
            <tr>
              <th scope="col" className="w-36 px-4 py-2 font-medium">
                Time
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                What happened
              </th>
              <th scope="col" className="w-52 px-4 py-2 font-medium">
                Who
              </th>
              <th scope="col" className="w-44 px-4 py-2 font-medium">
                Target
              </th>
            </tr>
          </thead>
          <tbody className="block space-y-3 md:table-row-group md:space-y-0 md:divide-y md:divide-slate-100">
            {page.rows.length === 0 && (
              <tr className="block rounded-lg border border-slate-200 bg-white md:table-row md:border-0">
                <td colSpan={4} className="block px-4 py-10 text-center text-slate-500 md:table-cell">
                  No audit events match these filters.
                </td>
              </tr>
            )}
            {page.rows.map((row) => (
              <tr
                key={row.id}
                className="grid grid-cols-[1fr_auto] gap-x-3 gap-y-1 rounded-lg border border-slate-200 bg-white p-3 shadow-sm md:table-row md:rounded-none md:border-0 md:p-0 md:align-top md:shadow-none"
              >
                <td className="col-span-2 text-xs text-slate-600 md:table-cell md:px-4 md:py-2 md:text-sm md:text-slate-700">
                  <RelativeTime iso={row.at} />
                  <LocalTime iso={row.at} seconds className="block text-xs text-slate-500 md:mt-0.5" />
                </td>
                <td className="col-span-2 min-w-0 md:table-cell md:px-4 md:py-2">
                  <AuditWhat row={row} />
                  <AuditRaw action={row.action} data={row.data} />
                </td>
                <td className="min-w-0 text-xs text-slate-600 md:table-cell md:px-4 md:py-2 md:text-sm md:text-slate-900">
                  <span className="md:hidden">By </span>
                  <span className="break-words" title={row.actorLabel}>
                    {row.actorLabel}
                  </span>
                  {row.actorType !== "user" && (
                    <span className="block text-xs text-slate-500">
                      {row.actorType === "key" ? "API key" : row.actorType === "anonymous" ? "No such account" : "System"}
                    </span>
                  )}
                  {row.ip && (
                    <span className="block font-mono text-xs text-slate-500" title={row.userAgent ?? undefined}>
                      from {row.ip}
                    </span>
                  )}
                </td>
                <td className="min-w-0 text-right text-xs md:table-cell md:px-4 md:py-2 md:text-left md:text-sm">
                  {row.targetType === "key" && row.targetId ? (
                    <Link href={`/keys/${row.targetId}`} className="break-words text-indigo-700 hover:underline">
                      {row.targetName ?? row.targetId}
                    </Link>
                  ) : (
                    <span className="text-slate-500">{TARGET_LABELS[row.targetType ?? ""] ?? "—"}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <nav aria-label="Audit log pages" className="mt-4 flex items-center justify-between text-sm text-slate-600">
        <p data-testid="audit-count">
          {page.total.toLocaleString("en-US")} event{page.total === 1 ? "" : "s"} · page {page.page} of {page.pageCount}
        </p>
        <div className="flex gap-2">
          {page.page > 1 ? (
            <Link href={pageHref(page.page - 1)} className={buttonClass("secondary")}>
              Previous
            </Link>
          ) : null}
          {page.page < page.pageCount ? (
            <Link href={pageHref(page.page + 1)} className={buttonClass("secondary")}>
              Next
            </Link>
          ) : null}
        </div>
      </nav>
    </>
  );
}
