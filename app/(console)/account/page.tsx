import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { listPasskeys } from "@/lib/auth/passkeys/registration";
import { listActiveSessions } from "@/lib/auth/session-list";
import { factorsOf } from "@/lib/auth/two-factor/status";
import { db } from "@/lib/db";
import { emailAlertsOf } from "@/lib/notifications/email-alerts";
import { ChangePasswordForm } from "./change-password-form";
import { EmailAlertsSetting } from "./email-alerts-setting";
import { PasskeysSettings } from "./passkeys-settings";
import { SessionsList } from "./sessions-list";
import { TwoFactorSettings } from "./two-factor-settings";

export const metadata: Metadata = { title: "Your account" };

export default async function AccountPage() {
  const ctx = await requirePageContext("account:manage");
  const [sessions, factorsByUser, passkeys, emailAlerts] = await Promise.all([
    listActiveSessions(db, ctx.user.id, ctx.sessionId),
    factorsOf(db, [ctx.user.id]),
    listPasskeys(db, ctx.user.id),
    emailAlertsOf(db, ctx.user.id),
  ]);
  const factors = factorsByUser.get(ctx.user.id)!;
  return (
    <>
      <PageHeader title="Your account" description={`Signed in as ${ctx.user.email}.`} />
      <div className="grid max-w-5xl gap-6 xl:grid-cols-2">
        <Card className="p-5">
          <h2 className="text-base font-semibold text-slate-900">Two-factor authentication</h2>
          <p className="mt-1 text-sm text-slate-600">
            A code from an authenticator app on your phone, asked after your password, so a stolen password alone does not open the console.
          </p>
          <TwoFactorSettings enrolled={factors.totp} recoveryCodesLeft={factors.recoveryCodesLeft} passkeys={factors.passkeys} />
        </Card>
        <Card className="p-5">
          <h2 className="text-base font-semibold text-slate-900">Passkeys and security keys</h2>
          <p className="mt-1 text-sm text-slate-600">
            A passkey on this device, your phone or a security key: a second factor after your password, and a way to sign in without it.
          </p>
          <PasskeysSettings passkeys={passkeys} />
        </Card>
        <Card className="p-5">
          <h2 className="text-base font-semibold text-slate-900">Change password</h2>
          <p className="mt-1 text-sm text-slate-600">
            Your other sessions (other browsers and devices) are signed out when the password changes; this one stays signed in.
          </p>
          <ChangePasswordForm />
        </Card>
        <Card className="p-5">
          <h2 className="text-base font-semibold text-slate-900">Email me alerts</h2>
          <p className="mt-1 text-sm text-slate-600">
            Expiry reminders for your keys, and leak and canary alerts, sent to {ctx.user.email}.
          </p>
          <EmailAlertsSetting enabled={emailAlerts} smtpConfigured={Boolean(process.env.KEYWARD_SMTP_URL?.trim())} />
        </Card>
        <Card className="p-5 xl:col-span-2">
          <h2 className="text-base font-semibold text-slate-900">Active sessions</h2>
          <p className="mt-1 text-sm text-slate-600">
            Where your account is signed in. A session you sign out here ends on its next request. The address is the one it signed in from.
          </p>
          <SessionsList sessions={sessions} />
        </Card>
      </div>
    </>
  );
}
