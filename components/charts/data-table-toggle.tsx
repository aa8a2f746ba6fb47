"use client";
import { useState, type ReactNode } from "react";
import { useIsClient } from "./use-is-client";

/** "Show data table" under a chart: the chart's numbers as a table, for screen readers and exact reading. */
export function DataTableToggle({ id, label, children }: { id: string; label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const isClient = useIsClient();
  return (
    <div className="mt-2">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        onClick={() => setOpen((v) => !v)}
        className="rounded text-sm font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600"
      >
        {open ? "Hide data table" : "Show data table"}
        <span className="sr-only"> for {label}</span>
      </button>
      <div
        id={id}
        hidden={!open}
        tabIndex={open ? 0 : undefined}
        role="region"
        aria-label={`${label}: data table`}
        className="mt-2 max-h-96 overflow-auto rounded-md border border-slate-200 px-3"
      >
        {open && isClient && children}
      </div>
    </div>
  );
}
