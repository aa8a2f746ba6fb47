"use client";
import { useCallback, useState } from "react";
import { AcknowledgeDone } from "@/components/ui/acknowledge-done";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";

/**
 * Recovery codes, shown once: like a key's secret, the dialog closes only through Done, enabled once the person
 * ticks that they saved the codes; the codes leave component state when it closes.
 */
export function useRecoveryCodesModal(onClosed: () => void) {
  const [codes, setCodes] = useState<string[] | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const [copied, setCopied] = useState(false);

  const show = useCallback((next: string[]) => {
    setAcknowledged(false);
    setCopied(false);
    setCodes(next);
  }, []);

  const copy = async () => {
    if (!codes) return;
    try {
      await navigator.clipboard.writeText(codes.join("\n"));
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  const done = () => {
    setCodes(null);
    setAcknowledged(false);
    onClosed();
  };

  const element = (
    <Dialog open={codes !== null}>
      {codes && (
        <DialogContent
          title="Save your recovery codes"
          dismissible={false}
          description="Each code signs you in once if you lose your authenticator app. You won't be able to see them again."
        >
          <div className="space-y-4">
            <ol
              data-testid="recovery-codes"
              aria-label="Recovery codes"
              className="grid grid-cols-2 gap-x-4 gap-y-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-900 select-all"
            >
              {codes.map((code) => (
                <li key={code}>{code}</li>
              ))}
            </ol>
            <div className="flex flex-wrap items-center gap-3">
              <Button variant="secondary" onClick={copy} aria-live="polite">
                {copied ? "Copied" : "Copy codes"}
              </Button>
            </div>
            <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Keyward stores only a hash of each code. Keep them in your password manager, apart from your authenticator app.
            </div>
            <AcknowledgeDone
              label="I have saved these recovery codes"
              acknowledged={acknowledged}
              onAcknowledgedChange={setAcknowledged}
              onDone={done}
            />
          </div>
        </DialogContent>
      )}
    </Dialog>
  );
  return { show, element };
}
