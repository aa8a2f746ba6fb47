import type { Metadata } from "next";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { db } from "@/lib/db";
import { getKeyDetail } from "@/lib/queries/keys";
import { exactTime } from "../../_components/format";
import { formatDuration } from "@/lib/ratelimits/policy";
import { listTiers } from "@/lib/ratelimits/tiers";
import { readKeyPolicy } from "@/lib/orgs/key-policy";
import { EditKeyForm } from "./edit-key-form";

export const metadata: Metadata = { title: "Edit API key" };

export default async function EditKeyPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await requirePageContext("keys:edit");
  const { id } = await params;
  const key = await getKeyDetail(db, ctx.org.id, id);
  if (!key) notFound();
  if (key.status === "revoked") redirect(`/keys/${key.id}`);
  const [policy, tiers] = await Promise.all([readKeyPolicy(db, ctx.org.id), listTiers(db, ctx.org.id)]);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href={`/keys/${key.id}`} className="text-indigo-700 hover:underline">
          ← {key.name}
        </Link>
      </p>
      <PageHeader title={`Edit “${key.name}”`} description="Changes apply to the key's current secret at once." />
      <Card className="max-w-3xl p-5 sm:p-6">
        <EditKeyForm
          keyId={key.id}
          current={{
            name: key.name,
            description: key.description,
            scopes: key.scopes,
            cidrs: key.cidrs,
            owner: key.owner ?? "",
            tags: key.tags.join(", "),
            meta: Object.keys(key.meta).length > 0 ? JSON.stringify(key.meta, null, 2) : "",
            rateLimits: key.rateLimits.map((l) => `${l.name}=${l.limit}/${formatDuration(l.duration)}`).join("\n"),
            tier: key.tier ?? "",
            quota: key.quota === null ? "" : String(key.quota),
            refill: key.refill ? { interval: key.refill.interval, amount: String(key.refill.amount) } : { interval: "", amount: "" },
          }}
          tiers={tiers.map((t) => t.name)}
          policy={policy}
          limitedTiers={tiers.filter((t) => t.rateLimits.length > 0).map((t) => t.name)}
          currentExpiresAt={key.expiresAt}
          currentExpiry={key.expiresAt ? `Keep current expiry (${exactTime(key.expiresAt)})` : "Keep: never expires"}
        />
      </Card>
    </>
  );
}
