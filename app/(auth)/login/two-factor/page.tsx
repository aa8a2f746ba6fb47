import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getSessionContext } from "@/lib/auth/current";
import { safeNextPath } from "@/lib/auth/next-path";
import { readPendingSignInCookie } from "@/lib/auth/two-factor/pending-cookie";
import { findPendingSignIn } from "@/lib/auth/two-factor/pending-sign-in";
import { db } from "@/lib/db";
import { TwoFactorSignInForm } from "./two-factor-sign-in-form";

export const metadata: Metadata = { title: "Two-factor authentication" };
export const dynamic = "force-dynamic";

export default async function TwoFactorSignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = safeNextPath((await searchParams).next);
  if (await getSessionContext()) redirect(next ?? "/keys");
  // Only a browser that has just given the right password gets here.
  if (!(await findPendingSignIn(db, await readPendingSignInCookie()))) redirect("/login");
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">Two-factor authentication</h1>
      <p className="mt-1 text-sm text-slate-600">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
      <TwoFactorSignInForm next={next} />
      <p className="mt-4 text-sm text-slate-600">
        <Link href="/login" className="font-medium text-indigo-700 hover:underline">
          Sign in as someone else
        </Link>
      </p>
    </Card>
  );
}
