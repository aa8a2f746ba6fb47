import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Card } from "@/components/ui/card";
import { getSessionContext } from "@/lib/auth/current";
import { safeNextPath } from "@/lib/auth/next-path";
import { db } from "@/lib/db";
import { isInstalled } from "@/lib/setup/bootstrap";
import { ssoErrorMessage } from "@/lib/sso/refusals";
import { LoginForm } from "./login-form";
import { PasskeySignInButton } from "./passkey-sign-in-button";
import { SsoSignInForm } from "./sso-sign-in-form";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ next?: string | string[]; sso_error?: string | string[] }>;
}) {
  if (!(await isInstalled(db))) redirect("/setup");
  const params = await searchParams;
  const next = safeNextPath(params.next);
  if (await getSessionContext()) redirect(next ?? "/keys");
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">Sign in</h1>
      <p className="mt-1 text-sm text-slate-600">Manage your organization’s API keys.</p>
      <LoginForm next={next} />
      <div className="mt-6 flex items-center gap-3 text-xs text-slate-500" aria-hidden="true">
        <span className="h-px flex-1 bg-slate-200" />
        or
        <span className="h-px flex-1 bg-slate-200" />
      </div>
      <PasskeySignInButton next={next} />
      <SsoSignInForm next={next} error={ssoErrorMessage(params.sso_error)} />
    </Card>
  );
}
