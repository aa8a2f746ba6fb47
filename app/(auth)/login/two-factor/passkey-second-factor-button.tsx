"use client";
import { KeyRound } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { assertPasskey } from "@/components/passkeys/ceremony";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { startPasskeySecondFactorAction } from "@/lib/actions/auth/start-passkey-second-factor";
import { verifySignInPasskeyAction } from "@/lib/actions/auth/verify-sign-in-passkey";

/** The second step with a passkey instead of a code. */
export function PasskeySecondFactorButton({ next }: { next?: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const verify = async () => {
    setError(null);
    setBusy(true);
    try {
      const ceremony = await assertPasskey(() => startPasskeySecondFactorAction({}));
      if (!ceremony.ok) {
        // The pending sign-in is over: back to the password.
        if (ceremony.code === "UNAUTHENTICATED") return router.replace("/login");
        return setError(ceremony.error);
      }
      const result = await verifySignInPasskeyAction({ response: ceremony.response });
      if (result.ok) return router.replace(next ?? "/keys");
      if (result.code === "UNAUTHENTICATED") return router.replace("/login");
      setError(result.error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mt-6 space-y-3">
      <FormAlert message={error} />
      <Button className="w-full" disabled={busy} onClick={verify}>
        <KeyRound className="size-4" aria-hidden="true" />
        {busy ? "Waiting for your passkey…" : "Use a passkey"}
      </Button>
    </div>
  );
}
