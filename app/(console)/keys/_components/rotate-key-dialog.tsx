"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { rotateKeyAction } from "@/lib/actions/keys/rotate-key";
import { GRACE_PERIODS, graceMs, type GracePeriod } from "@/lib/validations/key";
import { exactTime } from "./format";
import { useSecretModal } from "./secret-modal";
import { useStepUp } from "@/components/step-up/step-up-provider";

const DEFAULT_GRACE = GRACE_PERIODS.find((g) => g.default)?.value ?? "none";

/**
 * Rotate: choose how long the old secret keeps working, then the new secret in the one-time modal. From a
 * leak (`leaked`), the old secret should stop at once, so no grace is the default and the dialog says why.
 */
export function RotateKeyButton({ keyId, keyName, leaked = false }: { keyId: string; keyName: string; leaked?: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Rotate secret
      </Button>
      <RotateKeyDialog keyId={keyId} keyName={keyName} leaked={leaked} open={open} onOpenChange={setOpen} />
    </>
  );
}

/** The rotate dialog on its own, for the keys list's row menu and the revoke dialog's "Rotate instead". */
export function RotateKeyDialog({
  keyId,
  keyName,
  leaked = false,
  open,
  onOpenChange,
}: {
  keyId: string;
  keyName: string;
  leaked?: boolean;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const initialGrace: GracePeriod = leaked ? "none" : DEFAULT_GRACE;
  const setOpen = onOpenChange;
  const [grace, setGrace] = useState<GracePeriod>(initialGrace);
  const [error, setError] = useState<string | null>(null);
  const [wasOpen, setWasOpen] = useState(open);
  // A fresh choice each time the dialog opens (adjusting state during render, not in an effect).
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      setGrace(initialGrace);
      setError(null);
    }
  }
  const [busy, setBusy] = useState(false);
  const secretModal = useSecretModal(() => router.refresh());

  const rotate = async () => {
    setBusy(true);
    setError(null);
    const startedAt = Date.now();
    const result = await withStepUp(() => rotateKeyAction({ keyId, grace }));
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setOpen(false);
    const until = new Date(startedAt + graceMs(grace)).toISOString();
    secretModal.show({
      title: "Your rotated API key",
      keyName: result.data.key.name,
      scopes: result.data.key.scopes,
      secret: result.data.secret,
      note:
        grace === "none"
          ? "The previous secret has stopped working."
          : `The previous secret keeps working until about ${exactTime(until)}.`,
    });
  };

  return (
    <>
      <Dialog open={open} onOpenChange={setOpen}>
        {open && (
          <DialogContent
            title={`Rotate “${keyName}”?`}
            description="A new secret with the same scopes, allowed IPs and expiry. Update every place the old secret is used."
          >
            <div className="space-y-4">
              <FormAlert message={error} />
              {leaked && (
                <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
                  This secret leaked, so it stops working immediately by default. Keep it working for a while only if a client you cannot
                  update at once depends on it.
                </p>
              )}
              <fieldset className="space-y-2">
                <legend className="text-sm font-medium text-slate-800">When should the old secret stop working?</legend>
                {GRACE_PERIODS.map((option) => (
                  <label key={option.value} className="flex items-center gap-2 text-sm">
                    <input
                      type="radio"
                      name="grace"
                      value={option.value}
                      className="accent-indigo-600"
                      checked={grace === option.value}
                      onChange={() => setGrace(option.value)}
                    />
                    {option.value === "none" ? "Immediately" : `After ${option.label}`}
                  </label>
                ))}
              </fieldset>
              <div className="flex justify-end gap-2">
                <Button variant="secondary" onClick={() => setOpen(false)}>
                  Cancel
                </Button>
                <Button onClick={rotate} disabled={busy}>
                  {busy ? "Rotating…" : "Rotate secret"}
                </Button>
              </div>
            </div>
          </DialogContent>
        )}
      </Dialog>
      {secretModal.element}
    </>
  );
}
