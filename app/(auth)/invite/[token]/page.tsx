import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { findUsableInvite } from "@/lib/members/invites";
import { inviteTokenSchema } from "@/lib/validations/member";
import { AcceptInviteForm } from "./accept-invite-form";

export const metadata: Metadata = { title: "Join organization", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = inviteTokenSchema.safeParse(token).success ? await findUsableInvite(db, token) : null;
  if (!invite) {
    return (
      <Card className="p-6 sm:p-8">
        <h1 className="text-xl font-semibold">This invite link can’t be used</h1>
        <p className="mt-2 text-sm text-slate-600">
          It is invalid, has expired, or was already used. Ask an admin of the organization for a new invite.
        </p>
        <Link href="/login" className="mt-6 inline-block text-sm font-medium text-indigo-700 underline">
          Go to sign in
        </Link>
      </Card>
    );
  }
  return (
    <Card className="p-6 sm:p-8">
      <h1 className="text-xl font-semibold">Join {invite.orgName}</h1>
      <p className="mt-1 text-sm text-slate-600">
        You’re invited as <strong>{ROLE_LABELS[invite.role]}</strong> with <strong className="break-all">{invite.email}</strong>.
        {invite.hasAccount ? " Sign in with your password to join." : " Choose a password to create your account."}
      </p>
      <AcceptInviteForm token={token} email={invite.email} hasAccount={invite.hasAccount} />
    </Card>
  );
}
