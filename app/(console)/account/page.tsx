import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { ChangePasswordForm } from "./change-password-form";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const ctx = await requirePageContext("account:manage");
  return (
    <>
      <PageHeader title="Your account" description={`Signed in as ${ctx.user.email}.`} />
      <Card className="max-w-lg p-5">
        <h2 className="text-base font-semibold text-slate-900">Change password</h2>
        <p className="mt-1 text-sm text-slate-600">
          Your other sessions (other browsers and devices) are signed out when the password changes; this one stays signed in.
        </p>
        <ChangePasswordForm />
      </Card>
    </>
  );
}
