// Case "b with events on" of the verify bench: a webhook endpoint of the bench organization subscribed to
// key.new_address and key.denial_burst (made through the real services, private targets allowed as the tests do),
// a local receiver for it, and a trickle of requests beside case b's load that raises those events during the run.
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import type { Db } from "../../lib/db/client";
import { newId } from "../../lib/ids";
import type { MemberActor } from "../../lib/members/actor";
import { denialBurstThreshold } from "../../lib/usage/detect-worker.mjs";
import { webhookEndpointSchema } from "../../lib/validations/webhook";
import { createEndpoint, setEndpointEnabled, updateWebhookSettings } from "../../lib/webhooks/endpoints";

export const SUBSCRIBED = ["key.new_address", "key.denial_burst"] as const;

/** Answers every delivery 204 at once; counts them by event type and by whether the signature verified. */
export async function startReceiver() {
  const byType = new Map<string, number>();
  const ids = new Set<string>();
  let verified = 0;
  let webhook: Webhook | null = null;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(204).end();
      const body = Buffer.concat(chunks).toString("utf8");
      try {
        const event = webhook!.verify(body, req.headers as Record<string, string>) as { type: string };
        verified += 1;
        byType.set(event.type, (byType.get(event.type) ?? 0) + 1);
      } catch {
        byType.set("unverified", (byType.get("unverified") ?? 0) + 1);
      }
      ids.add(String(req.headers["webhook-id"]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/bench-hooks`,
    setSecret: (secret: string) => (webhook = new Webhook(secret)),
    /** Distinct events received (a redelivery counts once), signatures verified, and deliveries by type. */
    received: () => ({ events: ids.size, verified, byType: Object.fromEntries(byType) }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An admin of the bench organization (seeded without members), an endpoint to `url` for SUBSCRIBED; its secret. */
export async function subscribe(db: Db, orgId: string, url: string) {
  const userId = newId("usr");
  const email = `bench-${userId.slice(-8).toLowerCase()}@example.com`;
  await db.user.create({ data: { id: userId, email, passwordHash: "unused" } });
  const membershipId = newId("mem");
  await db.membership.create({ data: { id: membershipId, orgId, userId, role: "admin" } });
  const admin: MemberActor = { orgId, userId, email, meta: { ip: "127.0.0.1", userAgent: "keyward-bench" } };
  await updateWebhookSettings(db, admin, { allowPrivateTargets: true });
  const input = webhookEndpointSchema.parse({ url, description: "verify bench", eventTypes: [...SUBSCRIBED] });
  const { endpoint, secret } = await createEndpoint(db, admin, input);
  return {
    secret,
    /** Back to what the other cases run with: the endpoint disabled, and no member to notify. */
    async unsubscribe() {
      await setEndpointEnabled(db, admin, endpoint.id, false);
      await db.membership.delete({ where: { id: membershipId } });
    },
  };
}

function verifyFrom(base: string, localAddress: string, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      `${base}/api/v1/keys/verify`,
      { method: "POST", localAddress, agent: false, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

/**
 * What raises the events while case b' runs, at the same rate however long it runs: for every 10 s, 200 keys
 * (already used from 127.0.0.1, their baseline network) each verified once from 127.0.1.1, a network they have not
 * used (key.new_address), and two other keys each refused for a scope they lack (admin) more than
 * KEYWARD_DENIAL_BURST_THRESHOLD times (key.denial_burst). Planned as ticks 200 ms apart over `seconds`, sent
 * `parts` pieces at a time (one per round of b'): a few dozen requests a second beside b's thousands. The denials of a
 * key land within the 5-minute burst window whatever the rounds. `expected`: how many events they raise.
 */
export function planEvents(secrets: readonly string[], seconds: number, parts: number) {
  const newAddress = secrets.slice(0, Math.min(Math.round(20 * seconds), Math.floor(secrets.length / 2)));
  const bursting = secrets.slice(newAddress.length, newAddress.length + Math.max(1, Math.round(seconds / 5)));
  const denials = denialBurstThreshold() + 10;
  // Spread over the first 60% of each part, so its requests are answered within it.
  const perPart = Math.max(1, Math.floor((seconds * 1000 * 0.6) / parts / 200));
  const ticks = perPart * parts;
  const plan: { localAddress: string; body: object }[][] = [];
  for (let tick = 0; tick < ticks; tick++) {
    const share = (total: number) => Math.ceil(((tick + 1) * total) / ticks) - Math.ceil((tick * total) / ticks);
    const from = Math.ceil((tick * newAddress.length) / ticks);
    const dFrom = Math.ceil((tick * denials) / ticks);
    plan.push([
      ...newAddress
        .slice(from, from + share(newAddress.length))
        .map((key) => ({ localAddress: "127.0.1.1", body: { key, action: "read", resource: "projects/web/deploys" } })),
      ...bursting.flatMap((key) =>
        Array.from({ length: share(denials) }, (_, i) => ({
          localAddress: "127.0.0.1",
          body: { key, action: "admin", resource: `projects/web/${dFrom + i}` },
        })),
      ),
    ]);
  }
  let ok = 0;
  let sent = 0;
  return {
    expected: newAddress.length + bursting.length,
    /** Sends part `part` (0 … parts-1) of the plan, one tick every 200 ms. */
    async raise(base: string, part: number) {
      for (const requests of plan.slice(part * perPart, (part + 1) * perPart)) {
        const started = Date.now();
        await Promise.all(
          requests.map(async ({ localAddress, body }) => {
            sent += 1;
            const status = await verifyFrom(base, localAddress, JSON.stringify(body));
            if (status >= 200 && status < 300) ok += 1;
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 200 - (Date.now() - started))));
      }
    },
    /** Requests sent so far, and how many got a 2xx. */
    sent: () => ({ sent, ok }),
  };
}
