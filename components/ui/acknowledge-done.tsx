"use client";
import { Button } from "./button";

/** The close of a one-time dialog (a key secret, recovery codes): Done stays disabled until the person ticks the box. */
export function AcknowledgeDone({
  label,
  acknowledged,
  onAcknowledgedChange,
  onDone,
}: {
  label: string;
  acknowledged: boolean;
  onAcknowledgedChange: (acknowledged: boolean) => void;
  onDone: () => void;
}) {
  return (
    <>
      <label className="flex items-center gap-2 text-sm font-medium text-slate-800">
        <input
          type="checkbox"
          className="size-4 accent-indigo-600"
          checked={acknowledged}
          onChange={(event) => onAcknowledgedChange(event.target.checked)}
        />
        {label}
      </label>
      <div className="flex justify-end">
        <Button onClick={onDone} disabled={!acknowledged}>
          Done
        </Button>
      </div>
    </>
  );
}
