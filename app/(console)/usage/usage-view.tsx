"use client";
import { Download } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { UsageDashboard } from "@/components/usage/usage-dashboard";
import { buttonClass } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import {
  USAGE_OUTCOME_FILTERS,
  usageSearch,
  type UsageFilter,
  type UsageOverview,
  type UsageParams,
  type UsagePreset,
} from "@/lib/queries/usage";
import { OUTCOME_LABELS } from "@/lib/usage/outcomes";

const OUTCOME_FILTER_LABELS = { denied: "Denied (any reason)", ...OUTCOME_LABELS };

/** The org-wide usage view; its range and filters live in the URL so a view can be shared or bookmarked. */
export function UsageView({
  overview,
  params,
  preset,
  filter,
  keys,
}: {
  overview: UsageOverview;
  params: UsageParams;
  preset: UsagePreset | "custom";
  filter: UsageFilter;
  keys: { id: string; name: string }[];
}) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const go = (nextParams: UsageParams, nextFilter: UsageFilter) =>
    startTransition(() => router.push(`${pathname}?${usageSearch(nextParams, nextFilter)}`, { scroll: false }));
  const exportHref = `/usage/export?${usageSearch(params, filter)}`;

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end gap-3" role="group" aria-label="Filters">
        <div className="min-w-0 flex-1 basis-40 space-y-1 sm:max-w-64 sm:flex-none">
          <label htmlFor="usage-key" className="block text-sm font-medium text-slate-800">
            Key
          </label>
          <select
            id="usage-key"
            className={inputClass(false)}
            value={filter.key ?? ""}
            onChange={(e) => go(params, { ...filter, key: e.target.value || undefined })}
          >
            <option value="">All keys</option>
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.name}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-0 flex-1 basis-40 space-y-1 sm:max-w-56 sm:flex-none">
          <label htmlFor="usage-outcome" className="block text-sm font-medium text-slate-800">
            Outcome
          </label>
          <select
            id="usage-outcome"
            className={inputClass(false)}
            value={filter.outcome ?? ""}
            onChange={(e) => go(params, { ...filter, outcome: (e.target.value || undefined) as UsageFilter["outcome"] })}
          >
            <option value="">All outcomes</option>
            {USAGE_OUTCOME_FILTERS.map((o) => (
              <option key={o} value={o}>
                {OUTCOME_FILTER_LABELS[o]}
              </option>
            ))}
          </select>
        </div>
        <a href={exportHref} download className={buttonClass("secondary")}>
          <Download aria-hidden className="size-4" />
          Export CSV
        </a>
      </div>
      <UsageDashboard
        overview={overview}
        preset={preset}
        onRangeChange={(nextParams) => go(nextParams, filter)}
        pending={pending}
        scope={filter.key ? "key" : "org"}
      />
    </div>
  );
}
