import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getSessionContext } from "@/lib/auth/current";
import { db } from "@/lib/db";
import { isInstalled } from "@/lib/setup/bootstrap";
import { RequiredTotpSetup } from "./required-totp-setup";

export const metadata: Metadata = { title: "Set up two-factor authentication" };
export const dynamic = "force-dynamic";

/** Where a member is sent when their organization requires a second factor they have not set up. */
export default async function RequiredTwoFactorSetupPage() {
  if (!(await isInstalled(db))) redirect("/setup");
  const ctx = await getSessionContext();
  if (!ctx) redirect("/login");
  if (!ctx.secondFactorRequired) redirect("/keys");
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">Set up two-factor authentication</h1>
      <p className="mt-1 text-sm text-slate-600">
        {ctx.org.name} requires a second factor for every member. Set up an authenticator app to continue; until then the console is closed
        to {ctx.user.email}.
      </p>
      <RequiredTotpSetup />
    </Card>
  );
}
