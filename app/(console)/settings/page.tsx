import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES, can, isRole } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { listPendingInvites } from "@/lib/members/invites";
import { listMembers } from "@/lib/members/members";
import { getKeyPolicy } from "@/lib/orgs/key-policy";
import { SSO_CALLBACK_PATH } from "@/lib/sso/flow";
import { publicOrigin } from "@/lib/sso/origin";
import { getSsoSettings } from "@/lib/sso/settings";
import { currentRequestMeta } from "@/lib/auth/current";
import { headers } from "next/headers";
import { getTwoFactorPolicy } from "@/lib/orgs/two-factor-policy";
import { getLeakPolicy } from "@/lib/orgs/leak-policy";
import { factorsOf } from "@/lib/auth/two-factor/status";
import { Badge } from "@/components/ui/badge";
import { TwoFactorPolicyForm } from "./two-factor-policy-form";
import { InviteForm } from "./invite-form";
import { InviteRevokeButton } from "./invite-revoke-button";
import { KeyPolicyForm, KeyPolicySummary } from "./key-policy-form";
import { LeakPolicyForm, LeakPolicySummary } from "./leak-policy-form";
import { MemberControls } from "./member-controls";
import { OrgNameForm } from "./org-name-form";
import { SsoForm, SsoSummary } from "./sso-form";
import { RoleDescriptions } from "./role-descriptions";
import { RelativeTime } from "@/components/charts/local-time";
import { listTiers } from "@/lib/ratelimits/tiers";
import { TierForm, TierList } from "./tier-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const ctx = await requirePageContext("members:read");
  const manageMembers = can(ctx.role, "members:manage");
  const manageSettings = can(ctx.role, "settings:manage");
  const [members, invites, policy, sso, twoFactorPolicy, leakPolicy, tiers] = await Promise.all([
    listMembers(db, ctx.org.id),
    manageMembers ? listPendingInvites(db, ctx.org.id) : Promise.resolve([]),
    getKeyPolicy(db, ctx.org.id),
    getSsoSettings(db, ctx.org.id),
    getTwoFactorPolicy(db, ctx.org.id),
    getLeakPolicy(db, ctx.org.id),
    listTiers(db, ctx.org.id),
  ]);
  const redirectUri = new URL(SSO_CALLBACK_PATH, publicOrigin((await headers()).get("host"), await currentRequestMeta())).href;
  const factors = await factorsOf(
    db,
    members.map((m) => m.userId),
  );
  const roleOptions = ROLES.map((role) => ({ value: role, label: ROLE_LABELS[role], description: ROLE_DESCRIPTIONS[role] }));
  const adminCount = members.filter((m) => m.role === "admin").length;

  return (
    <>
      <PageHeader title="Settings" description="Your organization, its key policy, and who can manage its keys." />
      <div className="grid gap-6 xl:grid-cols-2 [&>*]:min-w-0">
        <Card className="p-5">
          <h2 className="text-base font-semibold">Organization</h2>
          {manageSettings && <OrgNameForm name={ctx.org.name} />}
          <dl className="mt-4 grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
            {!manageSettings && (
              <>
                <dt className="text-slate-500">Name</dt>
                <dd>{ctx.org.name}</dd>
              </>
            )}
            <dt className="text-slate-500">Key prefix</dt>
            <dd className="font-mono">{ctx.org.keyPrefix}_live_…</dd>
          </dl>
          {can(ctx.role, "orgs:create") && (
            <p className="mt-4 border-t border-slate-100 pt-3 text-sm text-slate-600">
              Need a separate set of keys and members?{" "}
              <Link href="/settings/organizations/new" className="font-medium text-indigo-700 hover:underline">
                Create another organization
              </Link>
            </p>
          )}
          {manageSettings && (
            <p className="mt-3 border-t border-slate-100 pt-3 text-sm text-slate-600">
              Send key and member events to your systems:{" "}
              <Link href="/settings/webhooks" className="font-medium text-indigo-700 hover:underline">
                Webhooks
              </Link>
            </p>
          )}
        </Card>

        <Card className="p-5">
          <h2 className="text-base font-semibold">Key policy</h2>
          <p className="mt-1 text-sm text-slate-600">
            Rules every new, edited or rotated key must meet — in the console, the API and the CLI. Existing keys are never changed; the
            Review page lists those that don’t meet the policy.
          </p>
          {manageSettings ? <KeyPolicyForm policy={policy} /> : <KeyPolicySummary policy={policy} />}
        </Card>

        <Card className="p-5">
          <h2 className="text-base font-semibold">Leaked secrets</h2>
          <p className="mt-1 text-sm text-slate-600">
            What happens when a secret scanner (GitHub secret scanning) reports one of this organization&rsquo;s secrets found in public.
            Every report is in the audit log with where it was found.
          </p>
          {manageSettings ? <LeakPolicyForm policy={leakPolicy} /> : <LeakPolicySummary policy={leakPolicy} />}
        </Card>

        <Card className="p-5">
          <h2 className="text-base font-semibold">Rate-limit tiers</h2>
          <p className="mt-1 text-sm text-slate-600">
            Named sets of rate limits and a quota (free, pro, enterprise…) that keys are put on. Changing a tier changes every key on it.
          </p>
          <TierList tiers={tiers.map(({ name, rateLimits, quota, refill }) => ({ name, rateLimits, quota, refill }))} />
          {manageSettings && <TierForm />}
        </Card>

        <Card className="p-5">
          <h2 className="text-base font-semibold">Two-factor authentication</h2>
          {manageSettings ? (
            <TwoFactorPolicyForm requireTwoFactor={twoFactorPolicy.requireTwoFactor} />
          ) : (
            <p className="mt-3 text-sm text-slate-700">
              {twoFactorPolicy.requireTwoFactor ? "Required for every member." : "Not required: each member chooses."}
            </p>
          )}
        </Card>

        <Card className="p-5 xl:col-span-2">
          <h2 className="text-base font-semibold">Single sign-on (OpenID Connect)</h2>
          <p className="mt-1 text-sm text-slate-600">
            Members sign in through your identity provider (Okta, Entra ID, Google, Keycloak…). Organization ID for sign-in:{" "}
            <code className="text-slate-900">{ctx.org.slug}</code>
          </p>
          {manageSettings ? (
            <SsoForm settings={sso} redirectUri={redirectUri} roleOptions={roleOptions} />
          ) : (
            <SsoSummary settings={{ configured: sso.configured, enabled: sso.enabled, requireSso: sso.requireSso }} />
          )}
        </Card>

        <Card className="p-5 xl:col-span-2">
          <h2 className="text-base font-semibold">Members</h2>
          {manageMembers && <RoleDescriptions />}
          <ul className="mt-3 divide-y divide-slate-100 text-sm" aria-label="Members">
            {members.map((m) => (
              <li key={m.id} className="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="member-row">
                <span className="flex min-w-0 flex-wrap items-center gap-x-2 gap-y-1">
                  <span className="min-w-0 break-all">
                    {m.email}
                    {m.userId === ctx.user.id && <span className="ml-2 text-xs text-slate-500">(you)</span>}
                  </span>
                  <span data-testid="member-factors" className="flex flex-wrap gap-1">
                    {factors.get(m.userId)?.totp && <Badge tone="green">Authenticator app</Badge>}
                    {!!factors.get(m.userId)?.passkeys && (
                      <Badge tone="green">
                        {factors.get(m.userId)!.passkeys === 1 ? "Passkey" : `${factors.get(m.userId)!.passkeys} passkeys`}
                      </Badge>
                    )}
                    {!factors.get(m.userId)?.totp && !factors.get(m.userId)?.passkeys && (
                      <Badge tone={twoFactorPolicy.requireTwoFactor ? "red" : "slate"}>No second factor</Badge>
                    )}
                  </span>
                </span>
                {manageMembers && isRole(m.role) ? (
                  <MemberControls
                    memberId={m.id}
                    email={m.email}
                    role={m.role}
                    roleOptions={roleOptions}
                    isSelf={m.userId === ctx.user.id}
                    soleAdmin={m.role === "admin" && adminCount === 1}
                  />
                ) : (
                  <span className="text-slate-500">{isRole(m.role) ? ROLE_LABELS[m.role] : m.role}</span>
                )}
              </li>
            ))}
          </ul>

          {manageMembers && (
            <>
              <h3 className="mt-6 text-sm font-semibold">Invite someone</h3>
              <InviteForm roleOptions={roleOptions} />
              {invites.length > 0 && (
                <>
                  <h3 className="mt-6 text-sm font-semibold">Pending invites</h3>
                  <ul className="mt-2 divide-y divide-slate-100 text-sm" aria-label="Pending invites">
                    {invites.map((invite) => (
                      <li key={invite.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                        <span className="min-w-0 truncate">
                          {invite.email}
                          <span className="ml-2 text-slate-500">
                            {isRole(invite.role) ? ROLE_LABELS[invite.role] : invite.role} · expires{" "}
                            <RelativeTime iso={invite.expiresAt.toISOString()} />
                          </span>
                        </span>
                        <InviteRevokeButton inviteId={invite.id} email={invite.email} />
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </>
          )}
        </Card>
      </div>
    </>
  );
}
