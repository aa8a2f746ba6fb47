import type { ReactNode } from "react";
import { formatCount } from "@/components/charts/time-format";

export interface RankedRow {
  id: string;
  label: ReactNode;
  detail?: ReactNode;
  total: number;
  denied?: number;
}

/** A top-N list as a real table, with a bar per row scaled to the largest value. */
export function RankedTable({
  caption,
  columnLabel,
  rows,
  empty,
  showDenied = true,
}: {
  caption: string;
  columnLabel: string;
  rows: RankedRow[];
  empty: string;
  showDenied?: boolean;
}) {
  if (rows.length === 0) return <p className="py-4 text-sm text-slate-500">{empty}</p>;
  const max = Math.max(...rows.map((r) => r.total), 1);
  return (
    <table className="w-full table-fixed text-left text-sm">
      <caption className="sr-only">{caption}</caption>
      <thead className="text-xs text-slate-600">
        <tr>
          <th scope="col" className="py-1.5 pr-2 font-medium">
            {columnLabel}
          </th>
          <th scope="col" className="w-24 py-1.5 text-right font-medium">
            Requests
          </th>
          {showDenied && (
            <th scope="col" className="w-20 py-1.5 pl-2 text-right font-medium">
              Denied
            </th>
          )}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} className="border-t border-slate-100 align-top">
            <td className="py-1.5 pr-2">
              <div className="truncate">{row.label}</div>
              {row.detail && <div className="truncate text-xs text-slate-500">{row.detail}</div>}
              <div aria-hidden className="mt-1 h-1.5 rounded-full bg-slate-100">
                <div className="h-1.5 rounded-full bg-indigo-500" style={{ width: `${Math.max(2, (row.total / max) * 100)}%` }} />
              </div>
            </td>
            <td className="py-1.5 text-right font-mono tabular-nums">{formatCount(row.total)}</td>
            {showDenied && (
              <td className={`py-1.5 pl-2 text-right font-mono tabular-nums ${row.denied ? "text-red-700" : "text-slate-500"}`}>
                {formatCount(row.denied ?? 0)}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
