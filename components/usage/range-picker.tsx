"use client";
import { useState } from "react";
import { formatSpan, fromLocalInputValue, toLocalInputValue, viewerTimeZone } from "@/components/charts/time-format";
import { useIsClient } from "@/components/charts/use-is-client";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import { cn } from "@/lib/cn";
import { USAGE_PRESETS, USAGE_PRESET_LABELS, type UsageParams, type UsagePreset } from "@/lib/queries/usage";

/** Preset ranges, or a custom one entered in the viewer's time zone (sent as UTC instants). */
export function RangePicker({
  preset,
  start,
  end,
  onChange,
  idPrefix = "usage",
}: {
  preset: UsagePreset | "custom";
  start: string;
  end: string;
  onChange: (params: UsageParams) => void;
  idPrefix?: string;
}) {
  const isClient = useIsClient();
  const [customOpen, setCustomOpen] = useState(false);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [error, setError] = useState<string | null>(null);

  const openCustom = () => {
    setFrom(toLocalInputValue(start));
    setTo(toLocalInputValue(end));
    setError(null);
    setCustomOpen((v) => !v);
  };
  const apply = () => {
    const fromIso = fromLocalInputValue(from);
    const toIso = fromLocalInputValue(to);
    if (!fromIso || !toIso) return setError("Enter both a start and an end");
    if (fromIso >= toIso) return setError("The start must be before the end");
    setCustomOpen(false);
    onChange({ range: "custom", from: fromIso, to: toIso });
  };

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 shadow-sm">
          {USAGE_PRESETS.map((p) => (
            <button
              key={p}
              type="button"
              aria-pressed={preset === p}
              onClick={() => onChange({ range: p })}
              className={cn(
                "rounded px-3 py-1.5 text-sm font-medium",
                preset === p ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100",
              )}
            >
              <span aria-hidden>{p}</span>
              <span className="sr-only">Last {USAGE_PRESET_LABELS[p]}</span>
            </button>
          ))}
          <button
            type="button"
            aria-pressed={preset === "custom"}
            aria-expanded={customOpen}
            onClick={openCustom}
            className={cn(
              "rounded px-3 py-1.5 text-sm font-medium",
              preset === "custom" ? "bg-indigo-600 text-white" : "text-slate-700 hover:bg-slate-100",
            )}
          >
            Custom
          </button>
        </div>
        <p className="text-sm text-slate-600" data-testid="usage-range-text">
          {isClient ? (
            <>
              {formatSpan(start, end)} <span className="text-slate-500">({viewerTimeZone()})</span>
            </>
          ) : (
            " "
          )}
        </p>
      </div>
      {customOpen && (
        <div className="flex flex-wrap items-end gap-3 rounded-md border border-slate-200 bg-white p-3">
          <div>
            <label htmlFor={`${idPrefix}-from`} className="block text-xs font-medium text-slate-700">
              From
            </label>
            <input
              id={`${idPrefix}-from`}
              type="datetime-local"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              className={inputClass(!!error, "w-auto")}
            />
          </div>
          <div>
            <label htmlFor={`${idPrefix}-to`} className="block text-xs font-medium text-slate-700">
              To
            </label>
            <input
              id={`${idPrefix}-to`}
              type="datetime-local"
              value={to}
              onChange={(e) => setTo(e.target.value)}
              className={inputClass(!!error, "w-auto")}
            />
          </div>
          <Button onClick={apply}>Apply range</Button>
          {error && (
            <p role="alert" className="w-full text-xs font-medium text-red-700">
              {error}
            </p>
          )}
        </div>
      )}
    </div>
  );
}
