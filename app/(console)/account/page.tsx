import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { factorsOf } from "@/lib/auth/two-factor/status";
import { db } from "@/lib/db";
import { ChangePasswordForm } from "./change-password-form";
import { TwoFactorSettings } from "./two-factor-settings";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const ctx = await requirePageContext("account:manage");
  const factors = (await factorsOf(db, [ctx.user.id])).get(ctx.user.id)!;
  return (
    <>
      <PageHeader title="Your account" description={`Signed in as ${ctx.user.email}.`} />
      <div className="grid max-w-lg gap-6">
        <Card className="p-5">
          <h2 className="text-base font-semibold text-slate-900">Two-factor authentication</h2>
          <p className="mt-1 text-sm text-slate-600">
            A code from an authenticator app on your phone, asked after your password, so a stolen password alone does not open the console.
          </p>
          <TwoFactorSettings enrolled={factors.totp} recoveryCodesLeft={factors.recoveryCodesLeft} />
        </Card>
        <Card className="p-5">
          <h2 className="text-base font-semibold text-slate-900">Change password</h2>
          <p className="mt-1 text-sm text-slate-600">
            Your other sessions (other browsers and devices) are signed out when the password changes; this one stays signed in.
          </p>
          <ChangePasswordForm />
        </Card>
      </div>
    </>
  );
}
