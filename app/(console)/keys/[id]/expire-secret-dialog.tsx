"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { expireGraceSecretAction } from "@/lib/actions/keys/expire-grace-secret";
import { toast } from "sonner";
import { useStepUp } from "@/components/step-up/step-up-provider";

/** "Expire now" on a rotated-out secret still in its grace period: for when that old secret leaked. */
export function ExpireSecretButton({ keyId, secretId, display }: { keyId: string; secretId: string; display: string }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const expire = async () => {
    setBusy(true);
    setError(null);
    const result = await withStepUp(() => expireGraceSecretAction({ keyId, secretId }));
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    setOpen(false);
    toast.success(`Ended the old secret ${display}`);
    router.refresh();
  };

  return (
    <>
      <Button variant="secondary" className="px-2 py-1 text-xs" onClick={() => setOpen(true)}>
        Expire now
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        {open && (
          <DialogContent
            title={`Stop ${display} now?`}
            description="Requests made with this old secret are refused from now on. The key and its current secret keep working."
          >
            <div className="space-y-4">
              <FormAlert message={error} />
              <div className="flex justify-end gap-2">
                <Button variant="secondary" onClick={() => setOpen(false)}>
                  Cancel
                </Button>
                <Button variant="danger" onClick={expire} disabled={busy}>
                  {busy ? "Ending…" : "Expire now"}
                </Button>
              </div>
            </div>
          </DialogContent>
        )}
      </Dialog>
    </>
  );
}
