"use client";
import Link from "next/link";
import type { ReactNode } from "react";
import { StackedBarChart, type StackSeries } from "@/components/charts/stacked-bar-chart";
import { formatCount } from "@/components/charts/time-format";
import { Card } from "@/components/ui/card";
import { cn } from "@/lib/cn";
import { shownOutcomes, type UsageOverview, type UsageParams, type UsagePreset } from "@/lib/queries/usage";
import { ALLOWED_OUTCOME, OUTCOME_COLORS, OUTCOME_LABELS } from "@/lib/usage/outcomes";
import { RangePicker } from "./range-picker";
import { RankedTable } from "./ranked-table";

function Stat({ label, value, hint, testId }: { label: string; value: string; hint?: string; testId?: string }) {
  return (
    <Card className="p-4">
      <p className="text-sm text-slate-600">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </p>
      {hint && <p className="mt-0.5 text-xs text-slate-500">{hint}</p>}
    </Card>
  );
}

function Section({ title, children, className }: { title: string; children: ReactNode; className?: string }) {
  return (
    <Card className={cn("p-4", className)}>
      <h3 className="text-sm font-semibold text-slate-900">{title}</h3>
      <div className="mt-2">{children}</div>
    </Card>
  );
}

/**
 * The usage view shared by /usage (org-wide) and a key's detail page: range, totals, requests over time
 * stacked by outcome, and the breakdowns. Range changes go to the parent (URL or local state).
 */
export function UsageDashboard({
  overview,
  preset,
  onRangeChange,
  pending = false,
  scope = "org",
  headingLevel = 2,
}: {
  overview: UsageOverview;
  preset: UsagePreset | "custom";
  onRangeChange: (params: UsageParams) => void;
  pending?: boolean;
  scope?: "org" | "key";
  headingLevel?: 2 | 3;
}) {
  const { series, topKeys, breakdown, denials } = overview;
  const denied = series.total - series.totals[ALLOWED_OUTCOME];
  const stack: StackSeries[] = shownOutcomes(series).map((o) => ({
    key: o,
    label: OUTCOME_LABELS[o],
    color: OUTCOME_COLORS[o],
  }));
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const sampleNote = breakdown.complete ? undefined : `From the latest ${formatCount(breakdown.sampleSize)} requests in this range.`;

  return (
    // On a phone the chart comes right after the range, above the totals, so it is on screen without scrolling.
    <div className={cn("flex flex-col gap-4 transition-opacity", pending && "opacity-60")} aria-busy={pending}>
      <RangePicker
        preset={preset}
        start={series.start}
        end={series.end}
        onChange={onRangeChange}
        idPrefix={scope === "key" ? "key-usage" : "usage"}
      />
      <div className="grid grid-cols-2 gap-3 max-sm:order-1 xl:grid-cols-4">
        <Stat label="Total requests" value={formatCount(series.total)} testId="usage-total" />
        <Stat label="Average per day" value={formatCount(Math.round(series.perDay))} testId="usage-per-day" />
        <Stat
          label="Allowed"
          value={formatCount(series.totals[ALLOWED_OUTCOME])}
          hint={series.total ? `${((series.totals[ALLOWED_OUTCOME] / series.total) * 100).toFixed(1)}% of requests` : undefined}
        />
        <Stat
          label="Denied"
          value={formatCount(denied)}
          testId="usage-denied"
          hint={series.total ? `${((denied / series.total) * 100).toFixed(1)}% of requests` : undefined}
        />
      </div>
      <Card className="p-4">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <Heading className="text-base font-semibold">Requests over time</Heading>
          <p className="text-xs text-slate-500">
            {series.bucketHours >= 24 ? `${series.bucketHours / 24}-day` : `${series.bucketHours}-hour`} bars ·{" "}
            {/* Dragging needs a mouse and room: on a phone or a touch screen the range buttons above zoom instead. */}
            <span className="hidden sm:pointer-fine:inline">drag across the chart to zoom in</span>
            <span className="sm:pointer-fine:hidden">pick a range above to zoom</span>
          </p>
        </div>
        {series.total === 0 ? <p className="py-10 text-center text-sm text-slate-500">No requests in this range.</p> : null}
        <StackedBarChart
          title="Requests over time by outcome"
          buckets={series.buckets.map((b) => ({ start: b.start, end: b.end, total: b.total, values: b.counts }))}
          series={stack}
          bucketHours={series.bucketHours}
          onZoom={(from, to) => onRangeChange({ range: "custom", from, to })}
        />
      </Card>
      <div className="grid gap-4 max-sm:order-2 xl:grid-cols-2">
        {scope === "org" && (
          <Section title="Top keys">
            <RankedTable
              caption="Keys with the most requests"
              columnLabel="Key"
              empty="No key was used in this range."
              rows={topKeys.map((k) => ({
                id: k.keyId,
                label: (
                  <Link href={`/keys/${k.keyId}`} className="font-medium text-indigo-700 hover:underline">
                    {k.name}
                  </Link>
                ),
                detail: <span className="font-mono">{k.display}</span>,
                total: k.total,
                denied: k.denied,
              }))}
            />
          </Section>
        )}
        <Section title="Denial reasons">
          <RankedTable
            caption="Why requests were denied"
            columnLabel="Reason"
            showDenied={false}
            empty="No request was denied in this range."
            rows={denials.map((d) => ({
              id: d.outcome,
              label: (
                <span className="flex items-center gap-1.5">
                  <span aria-hidden className="inline-block size-2.5 rounded-sm" style={{ background: OUTCOME_COLORS[d.outcome] }} />
                  {OUTCOME_LABELS[d.outcome]} <span className="font-mono text-xs text-slate-500">{d.outcome}</span>
                </span>
              ),
              total: d.count,
            }))}
          />
        </Section>
        <Section title="Top actions and resources">
          <RankedTable
            caption="Most requested actions and resources"
            columnLabel="Action · resource"
            empty="No requests in this range."
            rows={breakdown.actions.map((a) => ({
              id: `${a.label} ${a.detail}`,
              label: <span className="font-mono">{a.label}</span>,
              detail: a.detail,
              total: a.total,
              denied: a.denied,
            }))}
          />
          {sampleNote && <p className="mt-2 text-xs text-slate-500">{sampleNote}</p>}
        </Section>
        <Section title="Top client IPs">
          <RankedTable
            caption="Client IP addresses with the most requests"
            columnLabel="Client IP"
            empty="No requests in this range."
            rows={breakdown.ips.map((a) => ({
              id: a.label,
              label: <span className="font-mono">{a.label}</span>,
              total: a.total,
              denied: a.denied,
            }))}
          />
          {sampleNote && <p className="mt-2 text-xs text-slate-500">{sampleNote}</p>}
        </Section>
        {scope === "key" && (
          <Section title="User agents">
            <RankedTable
              caption="User agents with the most requests"
              columnLabel="User agent"
              empty="No requests in this range."
              rows={breakdown.userAgents.map((a) => ({
                id: a.label,
                label: <span className="font-mono text-xs">{a.label}</span>,
                total: a.total,
                denied: a.denied,
              }))}
            />
          </Section>
        )}
      </div>
    </div>
  );
}
