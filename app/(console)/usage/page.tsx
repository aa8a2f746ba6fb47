import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { requirePageContext } from "@/lib/auth/current";
import { db } from "@/lib/db";
import { getUsageOverview, outcomesOf, parseUsageFilter, parseUsageParams, resolveUsageRange } from "@/lib/queries/usage";
import { UsageView } from "./usage-view";

export const metadata: Metadata = { title: "Usage" };

/** Keys offered in the key filter, by name. */
const KEY_OPTIONS_MAX = 500;

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const ctx = await requirePageContext("usage:read");
  const search = await searchParams;
  const params = parseUsageParams(search);
  const range = resolveUsageRange(params, new Date());
  const keys = await db.apiKey.findMany({
    where: { orgId: ctx.org.id },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
    take: KEY_OPTIONS_MAX,
  });
  const filter = parseUsageFilter(search);
  // Another organization's key (or none) filters nothing: the same view as no key chosen.
  if (filter.key && !(await db.apiKey.findFirst({ where: { id: filter.key, orgId: ctx.org.id }, select: { id: true } }))) {
    filter.key = undefined;
  }
  const overview = await getUsageOverview(db, ctx.org.id, range, { keyId: filter.key, outcomes: outcomesOf(filter.outcome) });
  return (
    <>
      <PageHeader
        title="Usage"
        description="Requests your keys made, allowed and denied, across the organization. Times are in your time zone."
      />
      <UsageView overview={overview} params={params} preset={range.preset} filter={filter} keys={keys} />
    </>
  );
}
