import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage() {
  await requirePageContext("keys:read");
  return (
    <>
      <PageHeader title="API keys" description="Create, scope, and revoke the keys that authenticate API requests." />
      <Card className="p-10 text-center">
        <h2 className="text-base font-semibold">No API keys yet</h2>
        <p className="mt-1 text-sm text-slate-600">Keys you create appear here, with their scopes, allowed IPs and last use.</p>
      </Card>
    </>
  );
}
