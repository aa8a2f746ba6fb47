import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { DomainError } from "@/lib/errors";
import { currentRequestMeta } from "@/lib/auth/current";
import { db } from "@/lib/db";
import { assertResetNotThrottled, loadPasswordReset } from "@/lib/members/password-reset";
import { resetTokenSchema } from "@/lib/validations/password-reset";
import { ResetPasswordForm } from "./reset-password-form";

// The token is in the path: no referrer leaves this page.
export const metadata: Metadata = { title: "Set a new password", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

function Unusable({ title, text }: { title: string; text: string }) {
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">{title}</h1>
      <p className="mt-2 text-sm text-slate-600">{text}</p>
      <Link href="/login" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
        Go to sign in
      </Link>
    </Card>
  );
}

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  try {
    await assertResetNotThrottled(db, (await currentRequestMeta()).ip);
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return <Unusable title="Too many attempts" text={`${error.message} Then open the link again.`} />;
  }
  const reset = resetTokenSchema.safeParse(token).success ? await loadPasswordReset(db, token) : null;
  if (!reset) {
    return (
      <Unusable
        title="This reset link can’t be used"
        text="It is invalid, has expired, was already used, or a newer link replaced it. Ask an admin of your organization for a new one."
      />
    );
  }
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">Set a new password</h1>
      <p className="mt-1 text-sm text-slate-600">
        For <strong className="break-all">{reset.email}</strong> in {reset.orgName}. Every session of this account is signed out when the
        password changes.
      </p>
      <ResetPasswordForm token={token} email={reset.email} needsSecondFactor={reset.needsSecondFactor} />
    </Card>
  );
}
