import type { AuditOutcome } from "@/lib/audit";
import { AUDIT_OUTCOME_LABELS, type AuditRow } from "@/lib/queries/audit";
import { cn } from "@/lib/cn";

const OUTCOME_TONES: Record<string, string> = {
  success: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  denied: "bg-amber-50 text-amber-900 ring-amber-600/30",
  failed: "bg-red-50 text-red-800 ring-red-600/20",
};

export function AuditOutcomeBadge({ outcome }: { outcome: string }) {
  return (
    <span
      className={cn("inline-flex rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset", OUTCOME_TONES[outcome])}
      data-testid="audit-outcome"
    >
      {AUDIT_OUTCOME_LABELS[outcome as AuditOutcome] ?? outcome}
    </span>
  );
}

/** The event's label, its outcome when it was not a plain success, and the sentence. */
export function AuditWhat({ row }: { row: AuditRow }) {
  return (
    <>
      <span className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="font-medium">{row.actionLabel}</span>
        {row.outcome !== "success" && <AuditOutcomeBadge outcome={row.outcome} />}
      </span>
      {row.sentence !== row.actionLabel && (
        <span className="mt-0.5 block break-words text-slate-700" data-testid="audit-sentence">
          {row.sentence}
        </span>
      )}
    </>
  );
}
