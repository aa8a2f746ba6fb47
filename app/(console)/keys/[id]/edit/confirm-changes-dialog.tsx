"use client";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { EditImpactSummary, impactBreaks, type ImpactState } from "./edit-impact";

/**
 * "What will break": the consequences of a scope or allowed-IP change, and what the key's recorded traffic
 * says it would refuse, confirmed before saving.
 */
export function ConfirmChangesDialog({
  lines,
  impact,
  onCancel,
  onConfirm,
}: {
  lines: string[] | null;
  impact: ImpactState;
  onCancel: () => void;
  onConfirm: () => Promise<void> | void;
}) {
  const [busy, setBusy] = useState(false);
  const refused = lines?.filter((line) => line.includes("refused")) ?? [];
  const breaks = impactBreaks(impact);
  return (
    <Dialog open={lines !== null} onOpenChange={(open) => !open && !busy && onCancel()}>
      {lines && (
        <DialogContent
          title="Confirm these changes"
          description={
            breaks
              ? "Clients seen using what is removed will start failing as soon as you save."
              : refused.length > 0
                ? "Clients relying on what is removed will start failing as soon as you save."
                : "This widens what the key can do."
          }
        >
          <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800" data-testid="change-consequences">
            {lines.map((line) => (
              <li key={line} className={line.includes("refused") ? "text-red-800" : undefined}>
                {line.charAt(0).toUpperCase() + line.slice(1)}
              </li>
            ))}
          </ul>
          <EditImpactSummary impact={impact} />
          <div className="mt-5 flex justify-end gap-2">
            <Button variant="secondary" onClick={onCancel} disabled={busy}>
              Go back
            </Button>
            <Button
              variant={refused.length > 0 ? "danger" : "primary"}
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await onConfirm();
                } finally {
                  setBusy(false);
                }
              }}
            >
              {busy ? "Saving…" : "Save changes"}
            </Button>
          </div>
        </DialogContent>
      )}
    </Dialog>
  );
}
