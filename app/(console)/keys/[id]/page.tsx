import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { LocalTime, RelativeTime } from "@/components/charts/local-time";
import { PageHeader } from "@/components/page-header";
import { KeyUsage } from "@/components/usage/key-usage";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { describeScope } from "@/lib/keys";
import { listKeyAuditEvents } from "@/lib/queries/audit";
import { getKeyDetail } from "@/lib/queries/keys";
import { keyLimitState } from "@/lib/queries/key-limits";
import { KeyLimits } from "./key-limits";
import { summarizeCidrs } from "../_components/cidr-summary";
import { KeyEnabledButton } from "../_components/key-enabled-button";
import { KeyStatusBadge } from "../_components/key-status-badge";
import { keyListHref, LIST_DEFAULTS } from "../_components/list-url";
import { OwnerAndTags } from "../_components/owner-and-tags";
import { ExpireSecretButton } from "./expire-secret-dialog";
import { KeyAuditTrail } from "./key-audit-trail";
import { LastUsed } from "./last-used";
import { RevokeKeyButton } from "../_components/revoke-key-dialog";
import { RotateKeyButton } from "../_components/rotate-key-dialog";
import { Pencil } from "lucide-react";

export const metadata: Metadata = { title: "API key" };

function When({ iso, by }: { iso: string | null; by?: string | null }) {
  if (!iso) return <>—</>;
  return (
    <>
      <LocalTime iso={iso} />{" "}
      <span className="text-slate-500">
        (<RelativeTime iso={iso} />)
      </span>
      {by && <span className="block text-xs text-slate-500">by {by}</span>}
    </>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <Card className="p-5">
      <h2 className="text-base font-semibold">{title}</h2>
      <div className="mt-3">{children}</div>
    </Card>
  );
}

export default async function KeyDetailPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePageContext("keys:read");
  const { id } = await params;
  const now = new Date();
  const key = await getKeyDetail(db, ctx.org.id, id, now);
  if (!key) notFound();
  // The key row keeps who changed it last as an id; the audit log has the readable label.
  const lastChange = await db.auditEvent.findFirst({
    where: {
      orgId: ctx.org.id,
      targetId: key.id,
      action: { in: ["key.updated", "key.rotated", "key.secret_expired", "key.disabled", "key.enabled"] },
    },
    orderBy: { at: "desc" },
    select: { actorLabel: true, at: true },
  });
  const trail = can(ctx.role, "audit:read") ? await listKeyAuditEvents(db, ctx.org.id, key.id) : null;
  const limits = await keyLimitState(db, ctx.org.id, key.id, now);
  const live = key.status !== "revoked";
  const actions = live ? (
    <>
      {can(ctx.role, "keys:edit") && (
        <Link href={`/keys/${key.id}/edit`} className={buttonClass("secondary")}>
          <Pencil aria-hidden="true" className="size-4" />
          Edit
        </Link>
      )}
      {can(ctx.role, "keys:rotate") && key.status === "active" && <RotateKeyButton keyId={key.id} keyName={key.name} />}
      {can(ctx.role, "keys:revoke") && <KeyEnabledButton keyId={key.id} keyName={key.name} enabled={key.enabled} />}
      {can(ctx.role, "keys:revoke") && <RevokeKeyButton keyId={key.id} keyName={key.name} />}
    </>
  ) : null;

  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/keys" className="text-indigo-700 hover:underline">
          ← API keys
        </Link>
      </p>
      <PageHeader title={key.name} description={key.description || undefined} actions={actions} />
      <div className="mb-4 flex flex-wrap items-center gap-3 text-sm">
        <KeyStatusBadge status={key.status} expiresSoon={key.expiresSoon} disabled={!key.enabled} />
        <span className="font-mono text-slate-700">{key.display}</span>
        {!live && <span className="text-slate-500">Revoked keys are read-only.</span>}
        {live && !key.enabled && <span className="text-slate-600">Verifications answer DISABLED until the key is enabled again.</span>}
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <Section title="Details">
          <dl className="grid grid-cols-1 gap-x-4 gap-y-2 text-sm sm:grid-cols-[9rem_1fr]">
            <dt className="text-slate-500">Key ID</dt>
            <dd className="font-mono text-xs break-all">{key.id}</dd>
            <dt className="text-slate-500">Environment</dt>
            <dd>{key.environment}</dd>
            <dt className="text-slate-500">Created</dt>
            <dd>
              <When iso={key.createdAt} by={key.createdBy} />
            </dd>
            <dt className="text-slate-500">Last changed</dt>
            <dd>
              <When iso={lastChange?.at.toISOString() ?? key.updatedAt} by={lastChange?.actorLabel} />
            </dd>
            <dt className="text-slate-500">Expires</dt>
            {/* A revoked key's expiry no longer counts down to anything: the date alone. */}
            <dd>{key.expiresAt ? live ? <When iso={key.expiresAt} /> : <LocalTime iso={key.expiresAt} /> : "Never"}</dd>
            {key.disabledAt && live && (
              <>
                <dt className="text-slate-500">Disabled</dt>
                <dd>
                  <When iso={key.disabledAt} by={key.disabledBy} />
                </dd>
              </>
            )}
            <dt className="text-slate-500">Owner</dt>
            <dd className="break-words">{key.owner ?? "—"}</dd>
            <dt className="text-slate-500">Tags</dt>
            <dd>
              {key.tags.length === 0 ? (
                "—"
              ) : (
                <OwnerAndTags owner={null} tags={key.tags} tagHref={(tag) => keyListHref(LIST_DEFAULTS, { tag, status: "all" })} />
              )}
            </dd>
            <dt className="text-slate-500">Meta</dt>
            <dd>
              {Object.keys(key.meta).length === 0 ? (
                "—"
              ) : (
                <pre className="max-h-48 overflow-auto rounded bg-slate-50 p-2 font-mono text-xs break-all whitespace-pre-wrap">
                  {JSON.stringify(key.meta, null, 2)}
                </pre>
              )}
            </dd>
            {key.revokedAt && (
              <>
                <dt className="text-slate-500">Revoked</dt>
                <dd>
                  <When iso={key.revokedAt} by={key.revokedBy} />
                  {key.revokeReason && <span className="block text-xs text-slate-600">Reason: {key.revokeReason}</span>}
                </dd>
              </>
            )}
            <LastUsed
              keyId={key.id}
              now={now.toISOString()}
              initial={{ lastUsedAt: key.lastUsedAt, lastUsedIp: key.lastUsedIp, lastUsedUserAgent: key.lastUsedUserAgent }}
            />
          </dl>
        </Section>
        <Section title="Scopes">
          <ul className="list-disc space-y-1 pl-5 text-sm">
            {key.scopes.map((scope) => (
              <li key={`${scope.action} ${scope.resourceFilter}`}>{describeScope(scope)}</li>
            ))}
          </ul>
          <h3 className="mt-4 text-sm font-semibold">Allowed IPs</h3>
          {key.cidrs.length === 0 || summarizeCidrs(key.cidrs) === "Any address" ? (
            <p className="mt-1 text-sm text-slate-700">Any address</p>
          ) : (
            <ul className="mt-1 space-y-0.5 font-mono text-sm">
              {key.cidrs.map((cidr) => (
                <li key={cidr}>{cidr}</li>
              ))}
            </ul>
          )}
        </Section>
        <Section title="Rate limits and quota">
          <KeyLimits state={limits} tier={key.tier} />
        </Section>
        <Section title="Secrets">
          <ul className="divide-y divide-slate-100 text-sm" data-testid="key-secrets">
            {(key.secrets ?? []).map((secret) => {
              const graceLeft = live && !secret.current && secret.validUntil && new Date(secret.validUntil) > now;
              return (
                <li key={secret.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span className="font-mono">{secret.display}</span>
                  <span className="flex items-center gap-3">
                    <span className="text-slate-600">
                      {!live ? (
                        "Revoked"
                      ) : secret.current ? (
                        "Current"
                      ) : graceLeft ? (
                        <>
                          Superseded · works until <LocalTime iso={secret.validUntil!} />
                        </>
                      ) : (
                        "Superseded"
                      )}
                      <span className="block text-xs text-slate-500">
                        issued <LocalTime iso={secret.createdAt} />
                      </span>
                    </span>
                    {graceLeft && live && can(ctx.role, "keys:revoke") && (
                      <ExpireSecretButton keyId={key.id} secretId={secret.id} display={secret.display} />
                    )}
                  </span>
                </li>
              );
            })}
          </ul>
        </Section>
      </div>
      <div className="mt-6 grid items-start gap-4 xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div className="min-w-0">
          <KeyUsage keyId={key.id} />
        </div>
        {trail && <KeyAuditTrail keyId={key.id} rows={trail} />}
      </div>
    </>
  );
}
