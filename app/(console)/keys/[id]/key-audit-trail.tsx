import Link from "next/link";
import { AuditWhat } from "@/components/audit/audit-parts";
import { AuditRaw } from "@/components/audit/audit-raw";
import { RelativeTime } from "@/components/charts/local-time";
import { Card } from "@/components/ui/card";
import type { AuditRow } from "@/lib/queries/audit";

/** This key's own audit events, newest first, beside its usage. */
export function KeyAuditTrail({ keyId, rows }: { keyId: string; rows: AuditRow[] }) {
  return (
    <section aria-labelledby="key-trail-heading" className="space-y-3">
      <div className="flex items-baseline justify-between gap-2">
        <h2 id="key-trail-heading" className="text-lg font-semibold">
          Audit trail
        </h2>
        <Link href={`/audit?key=${encodeURIComponent(keyId)}`} className="text-sm text-indigo-700 hover:underline">
          Open in the audit log
        </Link>
      </div>
      <Card>
        {rows.length === 0 ? (
          <p className="p-4 text-sm text-slate-500">No events for this key yet.</p>
        ) : (
          <ol className="divide-y divide-slate-100 text-sm" data-testid="key-audit-trail">
            {rows.map((row) => (
              <li key={row.id} className="p-3">
                <p className="flex flex-wrap justify-between gap-x-2 text-xs text-slate-600">
                  <RelativeTime iso={row.at} />
                  <span className="break-words">
                    {row.actorLabel}
                    {row.ip && <span className="font-mono"> · {row.ip}</span>}
                  </span>
                </p>
                <div className="mt-1">
                  <AuditWhat row={row} />
                  <AuditRaw action={row.action} data={row.data} />
                </div>
              </li>
            ))}
          </ol>
        )}
      </Card>
    </section>
  );
}
