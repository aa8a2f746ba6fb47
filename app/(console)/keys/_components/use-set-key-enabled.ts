"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { setKeyEnabledAction } from "@/lib/actions/keys/set-key-enabled";

/**
 * Disable or enable a key from a menu or a button. No confirmation dialog: both are undone by the other, and
 * disabling is what one does first in an incident. Enabling asks the server for a step-up (the provider prompts).
 */
export function useSetKeyEnabled(keyId: string, keyName: string) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [pending, setPending] = useState(false);
  const run = async (enabled: boolean) => {
    setPending(true);
    const result = await withStepUp(() => setKeyEnabledAction({ keyId, enabled }));
    setPending(false);
    if (!result.ok) {
      toast.error(result.error);
      return;
    }
    toast.success(
      enabled ? `Enabled “${keyName}”: it verifies again` : `Disabled “${keyName}”: verifications answer DISABLED until you enable it`,
    );
    router.refresh();
  };
  return { pending, run };
}
