"use client";
import { useState } from "react";

/**
 * The raw data an event recorded (before/after for edits), folded away behind an expander. It is rendered
 * only once opened, so the closed table holds sentences and no JSON.
 */
export function AuditRaw({ action, data }: { action: string; data: Record<string, unknown> }) {
  const [open, setOpen] = useState(false);
  if (Object.keys(data).length === 0) return null;
  return (
    <details className="mt-1 text-xs text-slate-600" data-testid="audit-raw" onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="cursor-pointer rounded text-indigo-700 hover:underline">
        Raw data <span className="font-mono text-slate-500">{action}</span>
      </summary>
      {open && (
        <pre
          tabIndex={0}
          className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 font-mono text-xs break-all whitespace-pre-wrap text-slate-800"
        >
          {JSON.stringify(data, null, 2)}
        </pre>
      )}
    </details>
  );
}
