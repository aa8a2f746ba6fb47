"use client";
import { useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { DataTableToggle } from "./data-table-toggle";
import { formatBucketTick, formatCount, formatSpan } from "./time-format";
import { useIsClient } from "./use-is-client";

export interface StackSeries {
  key: string;
  label: string;
  color: string;
}

export interface StackBucket {
  start: string;
  end: string;
  values: Record<string, number>;
  total: number;
}

interface Row {
  index: number;
  start: string;
  end: string;
  total: number;
  [series: string]: number | string;
}

/**
 * Counts over time, stacked by series, with tooltips and axes in the viewer's time zone. Dragging across
 * the bars calls onZoom with the span covered; the data table under the chart holds the same numbers.
 */
export function StackedBarChart({
  title,
  buckets,
  series,
  bucketHours,
  onZoom,
  height = 280,
}: {
  title: string;
  buckets: StackBucket[];
  series: StackSeries[];
  bucketHours: number;
  onZoom?: (start: string, end: string) => void;
  height?: number;
}) {
  const isClient = useIsClient();
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const tableId = useId();
  const spanHours = buckets.length
    ? (new Date(buckets[buckets.length - 1].end).getTime() - new Date(buckets[0].start).getTime()) / 3_600_000
    : 0;
  const rows: Row[] = buckets.map((b, index) => ({ index, start: b.start, end: b.end, total: b.total, ...b.values }));
  const tick = (index: number) => (rows[index] ? formatBucketTick(rows[index].start, bucketHours, spanHours) : "");
  const indexOf = (value: unknown) => (value === undefined || value === null ? null : Number(value));

  const finishDrag = () => {
    if (drag && onZoom && drag.from !== drag.to) {
      const [a, b] = drag.from < drag.to ? [drag.from, drag.to] : [drag.to, drag.from];
      onZoom(rows[a].start, rows[b].end);
    }
    setDrag(null);
  };

  return (
    <figure className="m-0">
      <figcaption className="sr-only">{title}</figcaption>
      <div style={{ height }} className="select-none" data-testid="usage-chart" data-bucket-count={rows.length}>
        {isClient && (
          <ResponsiveContainer width="100%" height="100%">
            <BarChart
              data={rows}
              margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
              onMouseDown={(state) => {
                const i = indexOf(state.activeTooltipIndex);
                if (i !== null && onZoom) setDrag({ from: i, to: i });
              }}
              onMouseMove={(state) => {
                const i = indexOf(state.activeTooltipIndex);
                if (drag && i !== null) setDrag({ ...drag, to: i });
              }}
              onMouseUp={finishDrag}
              onMouseLeave={() => setDrag(null)}
            >
              <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e2e8f0" />
              <XAxis
                dataKey="index"
                type="category"
                tickFormatter={tick}
                tick={{ fontSize: 12, fill: "#475569" }}
                tickLine={false}
                axisLine={{ stroke: "#cbd5e1" }}
                minTickGap={24}
              />
              <YAxis
                allowDecimals={false}
                tickFormatter={(v: number) => (v >= 10_000 ? `${Math.round(v / 1000)}k` : formatCount(v))}
                tick={{ fontSize: 12, fill: "#475569" }}
                tickLine={false}
                axisLine={false}
                width={48}
              />
              <Tooltip
                cursor={{ fill: "#eef2ff" }}
                isAnimationActive={false}
                content={({ active, label }) => {
                  const row = active ? rows[Number(label)] : undefined;
                  if (!row) return null;
                  return (
                    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md" data-testid="chart-tooltip">
                      <p className="font-medium text-slate-900">{formatSpan(row.start, row.end)}</p>
                      <ul className="mt-1 space-y-0.5">
                        {series.map((s) => (
                          <li key={s.key} className="flex items-center justify-between gap-4">
                            <span className="flex items-center gap-1.5 text-slate-700">
                              <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: s.color }} />
                              {s.label}
                            </span>
                            <span className="font-mono tabular-nums" data-series={s.key}>
                              {formatCount(Number(row[s.key] ?? 0))}
                            </span>
                          </li>
                        ))}
                        <li className="flex justify-between gap-4 border-t border-slate-100 pt-0.5 font-medium">
                          <span>Total</span>
                          <span className="font-mono tabular-nums" data-series="total">
                            {formatCount(row.total)}
                          </span>
                        </li>
                      </ul>
                    </div>
                  );
                }}
              />
              <Legend iconType="square" iconSize={10} wrapperStyle={{ fontSize: 12, color: "#334155" }} />
              {series.map((s) => (
                <Bar key={s.key} dataKey={s.key} name={s.label} stackId="stack" fill={s.color} isAnimationActive={false} />
              ))}
              {drag && drag.from !== drag.to && (
                <ReferenceArea x1={Math.min(drag.from, drag.to)} x2={Math.max(drag.from, drag.to)} fill="#6366f1" fillOpacity={0.15} />
              )}
            </BarChart>
          </ResponsiveContainer>
        )}
      </div>
      <DataTableToggle id={tableId} label={title}>
        <table className="w-full text-left text-sm" data-testid="usage-chart-table">
          <caption className="sr-only">{title}, one row per bar</caption>
          <thead className="text-xs text-slate-600">
            <tr>
              <th scope="col" className="py-1.5 pr-3 font-medium">
                Time
              </th>
              {series.map((s) => (
                <th key={s.key} scope="col" className="px-2 py-1.5 text-right font-medium">
                  {s.label}
                </th>
              ))}
              <th scope="col" className="py-1.5 pl-2 text-right font-medium">
                Total
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {rows.map((row) => (
              <tr key={row.start}>
                <th scope="row" className="py-1 pr-3 font-normal whitespace-nowrap text-slate-700">
                  {formatSpan(row.start, row.end)}
                </th>
                {series.map((s) => (
                  <td key={s.key} className="px-2 py-1 text-right font-mono tabular-nums" data-series={s.key}>
                    {formatCount(Number(row[s.key] ?? 0))}
                  </td>
                ))}
                <td className="py-1 pl-2 text-right font-mono font-medium tabular-nums" data-series="total">
                  {formatCount(row.total)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </DataTableToggle>
    </figure>
  );
}
