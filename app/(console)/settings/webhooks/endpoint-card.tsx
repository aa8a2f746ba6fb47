"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { LocalTime, RelativeTime } from "@/components/charts/local-time";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { ActionResult } from "@/lib/actions/errors";
import { deleteWebhookEndpointAction } from "@/lib/actions/webhooks/delete-webhook-endpoint";
import { resendWebhookDeliveryAction } from "@/lib/actions/webhooks/resend-webhook-delivery";
import { sendWebhookTestAction } from "@/lib/actions/webhooks/send-webhook-test";
import { setWebhookEndpointEnabledAction } from "@/lib/actions/webhooks/set-webhook-endpoint-enabled";

export interface EndpointProps {
  id: string;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  disabledReason: string | null;
  createdAt: string;
}

export interface DeliveryProps {
  id: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastDurationMs: number | null;
  lastError: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
}

const STATUS_TONE: Record<string, BadgeTone> = { succeeded: "green", pending: "amber", failed: "red" };

export function EndpointCard({ endpoint, deliveries }: { endpoint: EndpointProps; deliveries: DeliveryProps[] }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [busy, setBusy] = useState(false);
  const headingId = `endpoint-${endpoint.id}`;

  async function run<T>(action: () => Promise<ActionResult<T>>, success: string) {
    setBusy(true);
    try {
      const result = await withStepUp(action);
      if (result.ok) {
        toast.success(success);
        router.refresh();
      } else toast.error(result.error);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card className="p-5">
      <section aria-labelledby={headingId}>
        <div className="flex flex-wrap items-start justify-between gap-3">
          <div className="min-w-0">
            <h2 id={headingId} className="font-mono text-sm font-semibold break-all text-slate-900">
              {endpoint.url}
            </h2>
            {endpoint.description && <p className="mt-0.5 text-sm text-slate-600">{endpoint.description}</p>}
            <p className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
              {endpoint.enabled ? <Badge tone="green">Enabled</Badge> : <Badge tone="red">Disabled</Badge>}
              <span>{endpoint.eventTypes.length === 0 ? "Every event" : endpoint.eventTypes.join(", ")}</span>
            </p>
            {!endpoint.enabled && endpoint.disabledReason && <p className="mt-1 text-sm text-red-700">{endpoint.disabledReason}</p>}
          </div>
          <div className="flex max-w-full flex-wrap gap-2">
            <Button
              variant="secondary"
              disabled={busy || !endpoint.enabled}
              onClick={() => run(() => sendWebhookTestAction({ endpointId: endpoint.id }), "Test event queued")}
            >
              Send test event
            </Button>
            <Button
              variant="secondary"
              disabled={busy}
              onClick={() =>
                run(
                  () => setWebhookEndpointEnabledAction({ endpointId: endpoint.id, enabled: !endpoint.enabled }),
                  endpoint.enabled ? "Endpoint disabled" : "Endpoint enabled",
                )
              }
            >
              {endpoint.enabled ? "Disable" : "Enable"}
            </Button>
            <Button
              variant="danger"
              disabled={busy}
              onClick={() => {
                if (window.confirm(`Delete the endpoint ${endpoint.url} and its delivery log?`))
                  void run(() => deleteWebhookEndpointAction({ endpointId: endpoint.id }), "Endpoint deleted");
              }}
            >
              Delete
            </Button>
          </div>
        </div>
        <h3 className="mt-5 text-sm font-semibold text-slate-800">Delivery log</h3>
        {deliveries.length === 0 ? (
          <p className="mt-1 text-sm text-slate-600">Nothing sent yet.</p>
        ) : (
          <Table label={`Deliveries to ${endpoint.url}`} className="mt-2">
            <thead>
              <tr>
                <Th>Event</Th>
                <Th>Status</Th>
                <Th>Response</Th>
                <Th>Duration</Th>
                <Th>Last attempt</Th>
                <Th>Next retry</Th>
                <Th>
                  <span className="sr-only">Actions</span>
                </Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {deliveries.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <Td>
                    <span className="font-mono text-xs">{d.eventType}</span>
                    <span className="block font-mono text-xs text-slate-500">{d.eventId}</span>
                  </Td>
                  <Td>
                    <Badge tone={STATUS_TONE[d.status] ?? "slate"}>{d.status}</Badge>
                    <span className="block text-xs text-slate-500">
                      {d.attempts} {d.attempts === 1 ? "attempt" : "attempts"}
                    </span>
                  </Td>
                  <Td>
                    {d.lastStatusCode ?? "—"}
                    {d.lastError && <span className="block max-w-56 text-xs break-words text-red-700">{d.lastError}</span>}
                  </Td>
                  <Td className="whitespace-nowrap">{d.lastDurationMs === null ? "—" : `${d.lastDurationMs} ms`}</Td>
                  <Td className="whitespace-nowrap">{d.lastAttemptAt ? <LocalTime iso={d.lastAttemptAt} seconds /> : "—"}</Td>
                  <Td className="whitespace-nowrap">{d.nextAttemptAt ? <RelativeTime iso={d.nextAttemptAt} /> : "—"}</Td>
                  <Td>
                    <Button
                      variant="ghost"
                      disabled={busy || !endpoint.enabled}
                      onClick={() => run(() => resendWebhookDeliveryAction({ deliveryId: d.id }), "Delivery queued again")}
                    >
                      Resend
                    </Button>
                  </Td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </section>
    </Card>
  );
}
