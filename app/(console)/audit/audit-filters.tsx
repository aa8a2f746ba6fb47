"use client";
import { usePathname, useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { fromLocalInputValue } from "@/components/charts/time-format";
import { useIsClient } from "@/components/charts/use-is-client";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { AUDIT_OUTCOME_LABELS, type AuditFilterOptions, type AuditParams } from "@/lib/queries/audit";

const OUTCOME_OPTIONS = Object.entries(AUDIT_OUTCOME_LABELS).map(([value, label]) => ({ value, label }));

// Dates are picked in the viewer's zone and put into the URL as UTC instants ("to" = the end of that day).
function localDate(iso: string | undefined, endOfDay = false): string {
  if (!iso) return "";
  const d = new Date(new Date(iso).getTime() - (endOfDay ? 1 : 0));
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function nextDayIso(date: string): string | null {
  const start = fromLocalInputValue(date);
  if (!start) return null;
  const d = new Date(start);
  d.setDate(d.getDate() + 1);
  return d.toISOString();
}

export function AuditFilters({ options, params }: { options: AuditFilterOptions; params: AuditParams }) {
  const router = useRouter();
  const pathname = usePathname();
  const isClient = useIsClient();
  const [pending, startTransition] = useTransition();
  // null = untouched: the URL's instants become local dates only in the browser.
  const [dates, setDates] = useState<{ from: string | null; to: string | null }>({ from: null, to: null });
  const from = dates.from ?? (isClient ? localDate(params.from) : "");
  const to = dates.to ?? (isClient ? localDate(params.to, true) : "");

  const apply = (event: React.FormEvent) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const search = new URLSearchParams();
    for (const name of ["actor", "action", "key", "outcome"] as const) {
      const value = form.get(name);
      if (typeof value === "string" && value) search.set(name, value);
    }
    const fromIso = fromLocalInputValue(from);
    const toIso = to ? nextDayIso(to) : null;
    if (fromIso) search.set("from", fromIso);
    if (toIso) search.set("to", toIso);
    startTransition(() => router.push(`${pathname}${search.size ? `?${search}` : ""}`));
  };
  const setDate = (name: "from" | "to") => (e: React.ChangeEvent<HTMLInputElement>) => setDates((d) => ({ ...d, [name]: e.target.value }));

  const select = (
    id: string,
    label: string,
    name: "actor" | "action" | "key" | "outcome",
    list: { value: string; label: string }[],
    all: string,
  ) => (
    <div className="min-w-0">
      <label htmlFor={id} className="block text-xs font-medium text-slate-700">
        {label}
      </label>
      <select id={id} name={name} defaultValue={params[name] ?? ""} className={inputClass(false, "mt-1")}>
        <option value="">{all}</option>
        {list.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );

  return (
    // The selects are uncontrolled and read at submit, so a choice made before hydration is not lost; a new
    // URL (filters applied or cleared) remounts the form with its values.
    <form
      method="get"
      key={JSON.stringify(params)}
      onSubmit={apply}
      aria-label="Filter the audit log"
      className="grid grid-cols-2 items-end gap-3 lg:grid-cols-4 2xl:grid-cols-[repeat(6,minmax(0,1fr))_auto]"
    >
      {select("audit-actor", "Actor", "actor", options.actors, "Anyone")}
      {select("audit-action", "Action", "action", options.actions, "All actions")}
      {select("audit-key", "Key", "key", options.keys, "All keys")}
      {select("audit-outcome", "Outcome", "outcome", OUTCOME_OPTIONS, "Any outcome")}
      <div>
        <label htmlFor="audit-from" className="block text-xs font-medium text-slate-700">
          From
        </label>
        <input id="audit-from" type="date" value={from} onChange={setDate("from")} className={inputClass(false, "mt-1")} />
      </div>
      <div>
        <label htmlFor="audit-to" className="block text-xs font-medium text-slate-700">
          To (inclusive)
        </label>
        <input id="audit-to" type="date" value={to} onChange={setDate("to")} className={inputClass(false, "mt-1")} />
      </div>
      <div className="col-span-2 flex gap-2">
        <Button type="submit" disabled={pending}>
          Apply filters
        </Button>
        <Button
          variant="ghost"
          onClick={() => {
            setDates({ from: "", to: "" });
            startTransition(() => router.push(pathname));
          }}
        >
          Clear
        </Button>
      </div>
    </form>
  );
}
