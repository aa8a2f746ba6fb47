import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { requirePageContext } from "@/lib/auth/current";
import { db } from "@/lib/db";
import { getUsageOverview, parseUsageParams, resolveUsageRange } from "@/lib/queries/usage";
import { UsageView } from "./usage-view";

export const metadata: Metadata = { title: "Usage" };

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageContext("usage:read");
  const range = resolveUsageRange(parseUsageParams(await searchParams), new Date());
  const overview = await getUsageOverview(db, ctx.org.id, range);
  return (
    <>
      <PageHeader
        title="Usage"
        description="Requests your keys made, allowed and denied, across the organization. Times are in your time zone."
      />
      <UsageView overview={overview} preset={range.preset} />
    </>
  );
}
