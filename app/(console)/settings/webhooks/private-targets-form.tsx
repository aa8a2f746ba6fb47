"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { Button } from "@/components/ui/button";
import { updateWebhookSettingsAction } from "@/lib/actions/webhooks/update-webhook-settings";

export function PrivateTargetsForm({ allowPrivateTargets }: { allowPrivateTargets: boolean }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [busy, setBusy] = useState(false);
  const toggle = async () => {
    setBusy(true);
    const result = await withStepUp(() => updateWebhookSettingsAction({ allowPrivateTargets: !allowPrivateTargets }));
    setBusy(false);
    if (result.ok) {
      toast.success(result.data.allowPrivateTargets ? "Private targets allowed" : "Private targets refused");
      router.refresh();
    } else toast.error(result.error);
  };
  return (
    <div className="mt-1 space-y-3 text-sm text-slate-700">
      <p>
        {allowPrivateTargets
          ? "Allowed: endpoints may be on loopback, private and link-local addresses (this deployment's own network)."
          : "Refused: endpoints must resolve to public addresses. Loopback, private, link-local, CGNAT and cloud metadata addresses are refused, when saved and again at each delivery."}
      </p>
      <Button variant={allowPrivateTargets ? "secondary" : "danger"} disabled={busy} onClick={toggle}>
        {allowPrivateTargets ? "Refuse private targets" : "Allow private targets"}
      </Button>
    </div>
  );
}
