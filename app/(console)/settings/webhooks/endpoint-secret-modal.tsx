"use client";
import { useCallback, useState } from "react";
import { AcknowledgeDone } from "@/components/ui/acknowledge-done";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";

interface ShownSecret {
  url: string;
  secret: string;
}

/** The endpoint's signing secret, once: like a key's secret, only Done (after ticking the box) closes it. */
export function useEndpointSecretModal(onClosed: () => void) {
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const [copied, setCopied] = useState(false);
  const show = useCallback((value: ShownSecret) => {
    setAcknowledged(false);
    setCopied(false);
    setShown(value);
  }, []);
  const copy = async () => {
    if (!shown) return;
    await navigator.clipboard?.writeText(shown.secret).catch(() => {});
    setCopied(true);
  };
  const element = (
    <Dialog open={shown !== null}>
      {shown && (
        <DialogContent
          title="Endpoint signing secret"
          dismissible={false}
          className="max-w-xl"
          description={
            <>
              Copy the signing secret for <strong className="font-semibold break-all text-slate-900">{shown.url}</strong> now. You
              won&apos;t be able to see it again.
            </>
          }
        >
          <div className="space-y-4">
            <div className="flex flex-col gap-2 sm:flex-row sm:items-stretch">
              <code
                data-testid="endpoint-secret"
                aria-label="Signing secret"
                className="block flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 select-all"
              >
                {shown.secret}
              </code>
              <Button variant="secondary" onClick={copy} aria-live="polite" className="sm:w-28">
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
            <p className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Your receiver verifies each request&apos;s <code>webhook-signature</code> with this secret (any Standard Webhooks library).
              Keyward stores it encrypted and never shows it again.
            </p>
            <AcknowledgeDone
              label="I have copied this secret"
              acknowledged={acknowledged}
              onAcknowledgedChange={setAcknowledged}
              onDone={() => {
                setShown(null);
                onClosed();
              }}
            />
          </div>
        </DialogContent>
      )}
    </Dialog>
  );
  return { show, element };
}
