import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { db } from "@/lib/db";
import { listTiers } from "@/lib/ratelimits/tiers";
import { readKeyPolicy } from "@/lib/orgs/key-policy";
import { CreateKeyForm } from "./create-key-form";

export const metadata: Metadata = { title: "Create API key" };

export default async function NewKeyPage() {
  const ctx = await requirePageContext("keys:create");
  const [policy, tiers] = await Promise.all([readKeyPolicy(db, ctx.org.id), listTiers(db, ctx.org.id)]);
  return (
    <>
      <p className="mb-2 text-sm">
        <Link href="/keys" className="text-indigo-700 hover:underline">
          ← API keys
        </Link>
      </p>
      <PageHeader
        title="Create API key"
        description={
          <>
            Secrets look like <span className="font-mono">{ctx.org.keyPrefix}_live_…</span> (or{" "}
            <span className="font-mono">{ctx.org.keyPrefix}_test_…</span> for a test key). You will see the secret once, right after
            creating the key.
          </>
        }
      />
      <Card className="max-w-3xl p-5 sm:p-6">
        <CreateKeyForm
          policy={policy}
          keyPrefix={ctx.org.keyPrefix}
          tiers={tiers.map((t) => t.name)}
          limitedTiers={tiers.filter((t) => t.rateLimits.length > 0).map((t) => t.name)}
        />
      </Card>
    </>
  );
}
