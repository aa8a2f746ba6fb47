"use client";
import { useCallback, useEffect, useState } from "react";
import { AcknowledgeDone } from "@/components/ui/acknowledge-done";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { describeScope, type Scope } from "@/lib/keys/universal";
import { VerifySnippetTabs } from "./verify-snippet-tabs";

export interface OneTimeSecret {
  title: string;
  keyName: string;
  scopes: Scope[];
  secret: string;
  /** e.g. when the previous secret stops working, after a rotation. */
  note?: string;
}

// While the secret is on screen: the browser asks before closing or reloading the tab, and Back is
// absorbed by a duplicate history entry (same URL, same router state) pushed again on every pop.
function useHoldPage(active: boolean) {
  useEffect(() => {
    if (!active) return;
    const beforeUnload = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      event.returnValue = "";
    };
    const hold = () => window.history.pushState(window.history.state, "", window.location.href);
    hold();
    window.addEventListener("beforeunload", beforeUnload);
    window.addEventListener("popstate", hold);
    return () => {
      window.removeEventListener("beforeunload", beforeUnload);
      window.removeEventListener("popstate", hold);
    };
  }, [active]);
}

/**
 * The one-time secret modal as a hook: `show(secret)` opens it; only Done — enabled once the person ticks
 * "I have copied this secret" — closes it, and `onClosed` (e.g. a list refresh) runs after the secret has
 * left component state, so no re-render can wipe it early and nothing keeps it afterwards.
 */
export function useSecretModal(onClosed: () => void) {
  const [shown, setShown] = useState<OneTimeSecret | null>(null);
  const [copied, setCopied] = useState(false);
  const [acknowledged, setAcknowledged] = useState(false);
  const [copyError, setCopyError] = useState<string | null>(null);
  useHoldPage(shown !== null);

  const show = useCallback((secret: OneTimeSecret) => {
    setCopied(false);
    setAcknowledged(false);
    setCopyError(null);
    setShown(secret);
  }, []);

  const copy = async () => {
    if (!shown) return;
    try {
      await navigator.clipboard.writeText(shown.secret);
      setCopied(true);
      setCopyError(null);
    } catch {
      setCopyError("Copying was blocked by the browser; select the secret and copy it by hand.");
    }
  };

  const done = () => {
    setShown(null);
    setCopied(false);
    setAcknowledged(false);
    onClosed();
  };

  const element = (
    <Dialog open={shown !== null}>
      {shown && (
        <DialogContent
          title={shown.title}
          dismissible={false}
          className="max-w-xl"
          description={
            <>
              Copy the secret for <strong className="font-semibold text-slate-900">{shown.keyName}</strong> now. You won&apos;t be able to
              see it again.
            </>
          }
        >
          <div className="space-y-4">
            <div className="flex flex-col gap-2 sm:flex-row sm:items-stretch">
              <code
                data-testid="one-time-secret"
                aria-label="Secret"
                className="block flex-1 rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 select-all"
              >
                {shown.secret}
              </code>
              <Button variant="secondary" onClick={copy} aria-live="polite" className="sm:w-28">
                {copied ? "Copied" : "Copy"}
              </Button>
            </div>
            {copyError && (
              <p role="alert" className="text-sm text-red-700">
                {copyError}
              </p>
            )}
            <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              <p className="font-medium">You won&apos;t be able to see it again.</p>
              <p>Keyward stores only a hash of the secret. Store it in your secret manager before closing this window.</p>
              {shown.note && <p className="mt-1">{shown.note}</p>}
            </div>
            <div>
              <p className="text-sm font-medium text-slate-800">Scopes</p>
              <ul className="mt-1 list-disc pl-5 text-sm text-slate-700">
                {shown.scopes.map((scope) => (
                  <li key={`${scope.action} ${scope.resourceFilter}`}>{describeScope(scope)}</li>
                ))}
              </ul>
            </div>
            <VerifySnippetTabs secret={shown.secret} scopes={shown.scopes} />
            <AcknowledgeDone
              label="I have copied this secret"
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
