"use client";
import { KeyRound } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { assertPasskey } from "@/components/passkeys/ceremony";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { signInWithPasskeyAction } from "@/lib/actions/auth/sign-in-with-passkey";
import { startPasskeySignInAction } from "@/lib/actions/auth/start-passkey-sign-in";

/** "Continue with a passkey" (passwordless sign-in): no email, no password; the browser offers this site's passkeys, which verify the person. */
export function PasskeySignInButton({ next }: { next?: string | null }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const signIn = async () => {
    setError(null);
    setBusy(true);
    try {
      const ceremony = await assertPasskey(() => startPasskeySignInAction({}));
      if (!ceremony.ok) return setError(ceremony.error);
      const result = await signInWithPasskeyAction({ response: ceremony.response });
      if (!result.ok) return setError(result.error);
      router.replace(next ?? "/keys");
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="mt-3 space-y-3">
      <FormAlert message={error} />
      <Button variant="secondary" className="w-full" disabled={busy} onClick={signIn}>
        <KeyRound className="size-4" aria-hidden="true" />
        {busy ? "Waiting for your passkey…" : "Continue with a passkey"}
      </Button>
    </div>
  );
}
