"use client";
import { usePathname, useRouter } from "next/navigation";
import { useTransition } from "react";
import { UsageDashboard } from "@/components/usage/usage-dashboard";
import type { UsageOverview, UsageParams, UsagePreset } from "@/lib/queries/usage";

/** The org-wide usage view; its range lives in the URL so a view can be shared or bookmarked. */
export function UsageView({ overview, preset }: { overview: UsageOverview; preset: UsagePreset | "custom" }) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const onRangeChange = (params: UsageParams) => {
    const search = new URLSearchParams({ range: params.range });
    if (params.range === "custom" && params.from && params.to) {
      search.set("from", params.from);
      search.set("to", params.to);
    }
    startTransition(() => router.push(`${pathname}?${search}`, { scroll: false }));
  };
  return <UsageDashboard overview={overview} preset={preset} onRangeChange={onRangeChange} pending={pending} />;
}
