import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/charts/local-time";
import { PageHeader } from "@/components/page-header";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { db } from "@/lib/db";
import type { AuditOutcome } from "@/lib/audit";
import {
  AUDIT_OUTCOME_LABELS,
  auditSearch,
  describeAuditChanges,
  getAuditFilterOptions,
  listAuditEvents,
  parseAuditParams,
} from "@/lib/queries/audit";
import { AuditFilters } from "./audit-filters";

export const metadata: Metadata = { title: "Audit log" };

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
            Export CSV
          </a>
        }
      />
      <Card className="mb-4 p-4">
        <AuditFilters key={filters.toString()} options={options} params={params} />
      </Card>
      <Card className="overflow-x-auto">
        <table className="w-full min-w-[56rem] text-left text-sm" data-testid="audit-table">
          <caption className="sr-only">Audit events, newest first</caption>
          <thead className="border-b border-slate-200 bg-slate-50 text-xs text-slate-600">
            <tr>
              <th scope="col" className="px-4 py-2 font-medium">
                Time
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Actor
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Action
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Target
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Client IP
              </th>
              <th scope="col" className="px-4 py-2 font-medium">
                Details
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.rows.length === 0 && (
              <tr>
                <td colSpan={6} className="px-4 py-10 text-center text-slate-500">
                  No audit events match these filters.
                </td>
              </tr>
            )}
            {page.rows.map((row) => (
              <tr key={row.id} className="align-top">
                <td className="px-4 py-2 whitespace-nowrap text-slate-700">
                  <LocalTime iso={row.at} />
                </td>
                <td className="max-w-48 px-4 py-2">
                  <span className="block truncate" title={row.actorLabel}>
                    {row.actorLabel}
                  </span>
                  {row.actorType !== "user" && (
                    <span className="text-xs text-slate-500">
                      {row.actorType === "key" ? "API key" : row.actorType === "anonymous" ? "No such account" : "System"}
                    </span>
                  )}
                </td>
                <td className="px-4 py-2 whitespace-nowrap">
                  <span className="font-medium">{row.actionLabel}</span>
                  {row.outcome !== "success" && (
                    <span
                      className={`ml-2 rounded px-1.5 py-0.5 text-xs font-medium ${row.outcome === "denied" ? "bg-amber-100 text-amber-900" : "bg-red-100 text-red-800"}`}
                      data-testid="audit-outcome"
                    >
                      {AUDIT_OUTCOME_LABELS[row.outcome as AuditOutcome] ?? row.outcome}
                    </span>
                  )}
                  <span className="block font-mono text-xs text-slate-500">{row.action}</span>
                </td>
                <td className="max-w-48 px-4 py-2">
                  {row.targetType === "key" && row.targetId ? (
                    <Link href={`/keys/${row.targetId}`} className="block truncate text-indigo-700 hover:underline">
                      {row.targetName ?? row.targetId}
                    </Link>
                  ) : (
                    <span className="text-slate-500">{row.targetType ?? "—"}</span>
                  )}
                </td>
                <td className="px-4 py-2 font-mono text-xs whitespace-nowrap text-slate-700" title={row.userAgent ?? undefined}>
                  {row.ip ?? "—"}
                </td>
                <td className="min-w-64 px-4 py-2">
                  <ul className="space-y-0.5 font-mono text-xs break-words text-slate-700">
                    {describeAuditChanges(row.data)
                      .slice(0, 6)
                      .map((line, i) => (
                        <li key={i}>{line}</li>
                      ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </Card>
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
