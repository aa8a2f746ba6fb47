"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { setEmailAlertsAction } from "@/lib/actions/account/set-email-alerts";

export function EmailAlertsSetting({ enabled, smtpConfigured }: { enabled: boolean; smtpConfigured: boolean }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const toggle = async () => {
    setBusy(true);
    const result = await setEmailAlertsAction({ enabled: !enabled });
    setBusy(false);
    if (result.ok) {
      toast.success(result.data.enabled ? "Alert emails on" : "Alert emails off");
      router.refresh();
    } else toast.error(result.error);
  };
  return (
    <div className="mt-3 space-y-3 text-sm text-slate-700">
      <p data-testid="email-alerts-status">
        {enabled
          ? "On: you get an email when a key you created or own is about to expire, and, as an admin or team lead, when a leak is reported or a canary is presented."
          : "Off: you get no alert email. The bell still shows your notifications."}
      </p>
      {smtpConfigured ? null : <p className="text-slate-500">This deployment has no mail server configured: no email is sent for now.</p>}
      <Button variant="secondary" disabled={busy} onClick={toggle}>
        {enabled ? "Turn alert emails off" : "Turn alert emails on"}
      </Button>
    </div>
  );
}
