import type { Metadata } from "next";
import Link from "next/link";
import { LocalTime } from "@/components/charts/local-time";
import { PageHeader } from "@/components/page-header";
import { buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { getLongDisabledKeys, getRiskyKeys, LONG_DISABLED_DAYS, type RiskCode } from "@/lib/queries/review";
import { KeyStatusBadge } from "../keys/_components/key-status-badge";
import { KeyEnabledButton } from "../keys/_components/key-enabled-button";
import { RevokeKeyButton } from "../keys/_components/revoke-key-dialog";
import { AcceptRiskButton } from "./accept-risk-dialog";
import { LeakScanForm } from "../keys/_components/leak-scan-form";
import { listHoneytokens } from "@/lib/honeytokens/honeytokens";
import { CanaryList, PlantCanaryButton } from "./canaries";

export const metadata: Metadata = { title: "Security review" };

const URGENT: RiskCode[] = ["revoked_in_use", "denials_24h", "policy", "full_access"];

export default async function ReviewPage() {
  const ctx = await requirePageContext("review:read");
  const risky = await getRiskyKeys(db, ctx.org.id);
  const longDisabled = await getLongDisabledKeys(db, ctx.org.id);
  const canRevoke = can(ctx.role, "keys:revoke");
  const canAccept = can(ctx.role, "keys:edit");
  const canaries = await listHoneytokens(db, ctx.org.id);
  return (
    <>
      <PageHeader
        title="Security review"
        description="Keys that carry risk (and dead keys still being called), with the reason and the way to act — and a fast path when a secret has leaked."
      />
      <div className="grid gap-6">
        <Card className="p-5">
          <h2 className="text-base font-semibold">Revoke a leaked secret</h2>
          <p className="mt-1 mb-4 text-sm text-slate-600">
            Paste any text: every Keyward secret in it is recognised by its format and checksum and matched to its key.
          </p>
          <LeakScanForm canRevoke={canRevoke} />
        </Card>
        <Card className="p-5">
          <div className="flex flex-wrap items-center justify-between gap-3">
            <h2 id="canaries-heading" tabIndex={-1} className="text-base font-semibold focus:outline-none">
              Canaries <span className="font-normal text-slate-500">({canaries.length})</span>
            </h2>
            {can(ctx.role, "keys:create") && <PlantCanaryButton />}
          </div>
          <p className="mt-1 text-sm text-slate-600">
            Secrets that look like live keys and never work. Verification answers them as unknown keys — and tells you who tried. They are
            not keys: they are not in the keys list and cannot be used.
          </p>
          <div className="mt-3">
            <CanaryList canaries={canaries} canRemove={canRevoke} />
          </div>
        </Card>
        <section aria-labelledby="risky-heading">
          <h2 id="risky-heading" tabIndex={-1} className="mb-3 text-base font-semibold focus:outline-none">
            Risky keys <span className="font-normal text-slate-500">({risky.length})</span>
          </h2>
          {risky.length === 0 ? (
            <Card className="p-8 text-center text-sm text-slate-600">No working key matches a risk rule. Nice.</Card>
          ) : (
            <Card className="divide-y divide-slate-100">
              <ul className="divide-y divide-slate-100" data-testid="risky-keys">
                {risky.map((key) => (
                  <li key={key.id} className="flex flex-wrap items-start justify-between gap-4 p-4">
                    <div className="min-w-0 flex-1">
                      <p className="flex flex-wrap items-baseline gap-x-2">
                        <Link href={`/keys/${key.id}`} className="font-medium text-indigo-700 hover:underline">
                          {key.name}
                        </Link>
                        <span className="font-mono text-xs text-slate-500">{key.display}</span>
                        {key.status !== "active" && <KeyStatusBadge status={key.status} />}
                      </p>
                      <ul className="mt-2 space-y-1.5">
                        {key.reasons.map((reason, i) => (
                          <li key={`${reason.code}-${i}`} className="text-sm">
                            <span
                              className={
                                URGENT.includes(reason.code)
                                  ? "mr-2 inline-block rounded bg-red-50 px-1.5 py-0.5 text-xs font-medium text-red-800 ring-1 ring-red-200"
                                  : "mr-2 inline-block rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-200"
                              }
                            >
                              {reason.label}
                            </span>
                            <span className="text-slate-600">{reason.detail}</span>
                            {canAccept && <AcceptRiskButton keyId={key.id} keyName={key.name} code={reason.code} label={reason.label} />}
                          </li>
                        ))}
                      </ul>
                      <p className="mt-2 text-xs text-slate-500">
                        Last used: {key.lastUsedAt ? <LocalTime iso={key.lastUsedAt} /> : "never"}
                        {key.lastUsedIp && (
                          <>
                            {" "}
                            from <span className="font-mono">{key.lastUsedIp}</span>
                          </>
                        )}
                      </p>
                    </div>
                    <div className="flex shrink-0 gap-2">
                      <Link href={`/keys/${key.id}`} className={buttonClass("secondary")}>
                        Open<span className="sr-only"> {key.name}</span>
                      </Link>
                      {canRevoke && key.status !== "revoked" && <RevokeKeyButton keyId={key.id} keyName={key.name} />}
                    </div>
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </section>
        {longDisabled.length > 0 && (
          <section aria-labelledby="disabled-heading">
            <h2 id="disabled-heading" className="mb-1 text-base font-semibold">
              Disabled for over {LONG_DISABLED_DAYS} days <span className="font-normal text-slate-500">({longDisabled.length})</span>
            </h2>
            <p className="mb-3 text-sm text-slate-600">A pause that has lasted this long should end: revoke the key, or enable it again.</p>
            <Card>
              <ul className="divide-y divide-slate-100" data-testid="long-disabled-keys">
                {longDisabled.map((key) => (
                  <li key={key.id} className="flex flex-wrap items-center justify-between gap-4 p-4">
                    <div className="min-w-0 flex-1 text-sm">
                      <p className="flex flex-wrap items-baseline gap-x-2">
                        <Link href={`/keys/${key.id}`} className="font-medium text-indigo-700 hover:underline">
                          {key.name}
                        </Link>
                        <span className="font-mono text-xs text-slate-500">{key.display}</span>
                      </p>
                      <p className="mt-1 text-xs text-slate-500">
                        Disabled <LocalTime iso={key.disabledAt} />
                        {key.disabledBy && <> by {key.disabledBy}</>}
                        {key.owner && <> · owner {key.owner}</>}
                      </p>
                    </div>
                    {canRevoke && (
                      <div className="flex shrink-0 gap-2">
                        <KeyEnabledButton keyId={key.id} keyName={key.name} enabled={false} />
                        <RevokeKeyButton keyId={key.id} keyName={key.name} />
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            </Card>
          </section>
        )}
      </div>
    </>
  );
}
