import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { db } from "@/lib/db";
import { getWebhookSettings, listDeliveries, listEndpoints } from "@/lib/webhooks/endpoints";
import { SUBSCRIBABLE_EVENT_TYPES } from "@/lib/validations/webhook";
import { AddEndpointForm } from "./add-endpoint-form";
import { EndpointCard } from "./endpoint-card";
import { PrivateTargetsForm } from "./private-targets-form";

export const metadata: Metadata = { title: "Webhooks" };

export default async function WebhooksPage() {
  const ctx = await requirePageContext("settings:manage");
  const [endpoints, settings] = await Promise.all([listEndpoints(db, ctx.org.id), getWebhookSettings(db, ctx.org.id)]);
  const deliveries = await Promise.all(endpoints.map((e) => listDeliveries(db, ctx.org.id, e.id, 20)));

  return (
    <>
      <PageHeader
        title="Webhooks"
        description={
          <>
            Keyward signs each event per the Standard Webhooks specification and retries failed deliveries for up to 24 hours. Payloads are
            documented in the README (Events).{" "}
            <Link href="/settings" className="font-medium text-indigo-700 hover:underline">
              Back to settings
            </Link>
          </>
        }
      />
      <div className="space-y-6">
        <Card className="p-5">
          <h2 className="text-base font-semibold">Add an endpoint</h2>
          <AddEndpointForm eventTypes={[...SUBSCRIBABLE_EVENT_TYPES]} />
        </Card>
        {endpoints.length === 0 ? (
          <p className="text-sm text-slate-600">No endpoints yet.</p>
        ) : (
          endpoints.map((endpoint, i) => (
            <EndpointCard
              key={endpoint.id}
              endpoint={{ ...endpoint, createdAt: endpoint.createdAt.toISOString() }}
              deliveries={deliveries[i].map((d) => ({
                id: d.id,
                eventId: d.eventId,
                eventType: d.eventType,
                status: d.status,
                attempts: d.attempts,
                lastStatusCode: d.lastStatusCode,
                lastDurationMs: d.lastDurationMs,
                lastError: d.lastError,
                lastAttemptAt: d.lastAttemptAt?.toISOString() ?? null,
                nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
                createdAt: d.createdAt.toISOString(),
              }))}
            />
          ))
        )}
        <Card className="p-5">
          <h2 className="text-base font-semibold">Private targets</h2>
          <PrivateTargetsForm allowPrivateTargets={settings.allowPrivateTargets} />
        </Card>
      </div>
    </>
  );
}
