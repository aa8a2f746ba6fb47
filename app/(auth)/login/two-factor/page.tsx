import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getSessionContext } from "@/lib/auth/current";
import { safeNextPath } from "@/lib/auth/next-path";
import { readPendingSignInCookie } from "@/lib/auth/two-factor/pending-cookie";
import { findPendingSignIn } from "@/lib/auth/two-factor/pending-sign-in";
import { db } from "@/lib/db";
import { PasskeySecondFactorButton } from "./passkey-second-factor-button";
import { TwoFactorSignInForm } from "./two-factor-sign-in-form";

export const metadata: Metadata = { title: "Two-factor authentication" };
export const dynamic = "force-dynamic";

export default async function TwoFactorSignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await getSessionContext()) redirect(next ?? "/keys");
  // Only a browser that has just given the right password gets here.
  const pending = await findPendingSignIn(db, await readPendingSignInCookie());
  if (!pending) redirect("/login");
  const [passkeys, totp] = await Promise.all([
    db.passkey.count({ where: { userId: pending.userId } }),
    db.totpFactor.count({ where: { userId: pending.userId, confirmedAt: { not: null } } }),
  ]);
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">Two-factor authentication</h1>
      <p className="mt-1 text-sm text-slate-600">
        {passkeys > 0 && totp > 0
          ? "Use your passkey, or enter the 6-digit code from your authenticator app or one of your recovery codes."
          : passkeys > 0
            ? "Use your passkey, or enter one of your recovery codes."
            : "Enter the 6-digit code from your authenticator app, or one of your recovery codes."}
      </p>
      {passkeys > 0 && <PasskeySecondFactorButton next={next} />}
      <TwoFactorSignInForm next={next} />
      <p className="mt-4 text-sm text-slate-600">
        <Link href="/login" className="font-medium text-indigo-700 hover:underline">
          Sign in as someone else
        </Link>
      </p>
    </Card>
  );
}
