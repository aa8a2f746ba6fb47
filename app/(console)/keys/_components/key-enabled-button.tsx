"use client";
import { CirclePause, CirclePlay } from "lucide-react";
import { Button } from "@/components/ui/button";
import { useSetKeyEnabled } from "./use-set-key-enabled";

/** The key page's Disable / Enable button (the list's row menu has the same two). */
export function KeyEnabledButton({ keyId, keyName, enabled }: { keyId: string; keyName: string; enabled: boolean }) {
  const { pending, run } = useSetKeyEnabled(keyId, keyName);
  const Icon = enabled ? CirclePause : CirclePlay;
  return (
    <Button variant="secondary" disabled={pending} onClick={() => void run(!enabled)}>
      <Icon aria-hidden="true" className="size-4" />
      {enabled ? "Disable" : "Enable"}
    </Button>
  );
}
