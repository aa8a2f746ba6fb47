"use client";
import { useRouter } from "next/navigation";
import { TotpSetup } from "@/components/two-factor/totp-setup";
import { Button } from "@/components/ui/button";
import { signOutAction } from "@/lib/actions/auth/sign-out";

export function RequiredTotpSetup() {
  const router = useRouter();
  return (
    <>
      <TotpSetup onDone={() => router.replace("/keys")} />
      <form action={signOutAction} className="mt-6 border-t border-slate-100 pt-4">
        <Button type="submit" variant="ghost">
          Sign out
        </Button>
      </form>
    </>
  );
}
