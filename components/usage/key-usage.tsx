"use client";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { UsageOverview, UsageParams, UsagePreset } from "@/lib/queries/usage";
import { UsageDashboard } from "./usage-dashboard";

async function fetchKeyUsage(keyId: string, params: UsageParams): Promise<{ preset: UsagePreset | "custom"; overview: UsageOverview }> {
  const search = new URLSearchParams({ keyId, range: params.range });
  if (params.from) search.set("from", params.from);
  if (params.to) search.set("to", params.to);
  const res = await fetch(`/usage/data?${search}`, { headers: { accept: "application/json" } });
  if (!res.ok) throw new Error((await res.json().catch(() => null))?.error ?? "Could not load usage");
  return res.json();
}

/**
 * The Usage section of a key's detail page: place `<KeyUsage keyId={key.id} />` on /keys/[id]. It loads
 * its data from /usage/data (session + usage:read, key scoped to the organization) and keeps its range
 * in local state so it does not fight the page's own URL.
 */
export function KeyUsage({ keyId, initialRange = "30d" }: { keyId: string; initialRange?: UsagePreset }) {
  const [params, setParams] = useState<UsageParams>({ range: initialRange });
  const query = useQuery({
    queryKey: ["key-usage", keyId, params],
    queryFn: () => fetchKeyUsage(keyId, params),
    placeholderData: keepPreviousData,
  });
  return (
    <section aria-labelledby="key-usage-heading" className="space-y-3">
      <h2 id="key-usage-heading" className="text-lg font-semibold">
        Usage
      </h2>
      {query.data ? (
        <UsageDashboard
          overview={query.data.overview}
          preset={query.data.preset}
          onRangeChange={setParams}
          pending={query.isFetching}
          scope="key"
          headingLevel={3}
        />
      ) : query.isError ? (
        <p role="alert" className="text-sm text-red-700">
          {query.error.message}
        </p>
      ) : (
        <p className="py-8 text-center text-sm text-slate-500" aria-busy="true">
          Loading usage…
        </p>
      )}
    </section>
  );
}
