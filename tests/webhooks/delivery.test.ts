import { afterAll, describe, expect, it } from "vitest";
import { revokeKey } from "@/lib/api-keys/revoke-key";
import { createDb, providerOfDb, type Db } from "@/lib/db/client";
import { claimDueDeliveries, dispatchOnce, fanOut, startDispatcher, type DispatcherOptions } from "@/lib/events/dispatcher";
import { recordEvent } from "@/lib/events/record";
import { EVENT_TYPES, type EventType } from "@/lib/events/types";
import { createEndpoint, listDeliveries, resendDelivery, sendTestEvent, updateWebhookSettings } from "@/lib/webhooks/endpoints";
import { revokeKeySchema } from "@/lib/validations/key";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { addMember, adminActor } from "../support/members";
import { startReceiver } from "../support/webhook-receiver";

const { db, url } = await setUpTestDb();
const receivers: Awaited<ReturnType<typeof startReceiver>>[] = [];
afterAll(() => Promise.all(receivers.map((r) => r.close())));

// Short delays so a retry is due within the test; the schedule's shape is the same as in production.
const fast: DispatcherOptions = { baseDelayMs: 20, maxDelayMs: 50, timeoutMs: 2000 };

/** An organization whose admin allowed private targets (the receiver is on 127.0.0.1), with one endpoint to it. */
async function orgWithEndpoint(eventTypes: string[] = []) {
  const org = await createOrg(db);
  const admin = adminActor(org);
  await updateWebhookSettings(db, admin, { allowPrivateTargets: true });
  const receiver = await startReceiver();
  receivers.push(receiver);
  const { endpoint, secret } = await createEndpoint(db, admin, { url: receiver.url, description: "test", eventTypes });
  receiver.setSecret(secret);
  return { org, admin, receiver, endpoint, secret };
}

/** Rounds until nothing is left to do now (deliveries retried later stay pending). */
async function drain(on: Db = db, options: DispatcherOptions = fast) {
  for (let i = 0; i < 20 && (await dispatchOnce(on, options)) > 0; i++);
}

async function until(check: () => Promise<boolean> | boolean, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("webhook delivery (Standard Webhooks, real receiver)", () => {
  it("delivers each event type once, signed so the standardwebhooks library verifies it, with the event id as webhook-id", async () => {
    const { org, receiver } = await orgWithEndpoint();
    const sent = new Map<string, EventType>();
    for (const type of EVENT_TYPES.filter((t) => t !== "webhook.test")) {
      const id = await db.$transaction((tx) => recordEvent(tx, { orgId: org.orgId, type, payload: { example: type } }));
      sent.set(id, type);
    }
    await drain();
    expect(receiver.received).toHaveLength(sent.size);
    for (const hook of receiver.received) {
      expect(hook.verified, `signature of ${hook.id}`).not.toBeNull();
      expect(hook.verified!.type).toBe(sent.get(hook.id));
      expect(hook.verified!.data).toEqual({ example: sent.get(hook.id) });
      expect(hook.headers["webhook-signature"]).toMatch(/^v1,/);
    }
    expect(new Set(receiver.received.map((h) => h.id))).toEqual(new Set(sent.keys()));
  });

  it("a receiver answering 500 then 200 gets the event again with the same id; the log shows both", async () => {
    const { org, admin, receiver, endpoint } = await orgWithEndpoint();
    receiver.answers.push(500);
    await makeKey(db, org.actor, { name: "Retried" });
    await dispatchOnce(db, fast);
    expect(receiver.received.map((h) => h.status)).toEqual([500]);
    let [delivery] = await listDeliveries(db, org.orgId, endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    expect(delivery.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() - 1000);
    await until(async () => (await dispatchOnce(db, fast), receiver.received.length === 2));
    expect(receiver.received[1].id).toBe(receiver.received[0].id);
    expect(receiver.received[1].verified?.type).toBe("key.created");
    [delivery] = await listDeliveries(db, org.orgId, endpoint.id);
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 2, lastStatusCode: 200, nextAttemptAt: null });
    expect(delivery.lastDurationMs).toBeGreaterThanOrEqual(0);

    // Resend: the same event, the same id, once more.
    await resendDelivery(db, admin, delivery.id);
    await drain();
    expect(receiver.received.map((h) => h.id)).toEqual([delivery.eventId, delivery.eventId, delivery.eventId]);
  });

  it("deliveries sent side by side each log their own attempt; a success clears the endpoint's failing state", async () => {
    const { org, receiver, endpoint } = await orgWithEndpoint(["key.created"]);
    const failingSince = new Date(Date.now() - 60_000);
    await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { failingSince } });
    receiver.answers.push(200, 500, 204);
    for (const name of ["One", "Two", "Three", "Four"]) await makeKey(db, org.actor, { name });
    const before = Date.now();
    await dispatchOnce(db, fast);
    expect(receiver.received).toHaveLength(4);
    const statusOf = new Map(receiver.received.map((h) => [h.id, h.status]));
    const deliveries = await listDeliveries(db, org.orgId, endpoint.id);
    expect(deliveries).toHaveLength(4);
    for (const d of deliveries) {
      const status = statusOf.get(d.eventId);
      expect(d, `delivery of ${d.eventId}`).toMatchObject(
        status === 500
          ? { status: "pending", attempts: 1, lastStatusCode: 500, lastError: "HTTP 500" }
          : { status: "succeeded", attempts: 1, lastStatusCode: status, lastError: null, nextAttemptAt: null },
      );
      expect(d.lastDurationMs).toBeGreaterThanOrEqual(0);
      expect(d.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(before - 5);
      expect(d.lastAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now());
    }
    const row = await db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id, status: "succeeded" } });
    expect(row.firstAttemptAt).toEqual(row.lastAttemptAt);
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).failingSince).toBeNull();
  });

  it("a failure whose outcome cannot be written does not lose the batch's successes: only that delivery is sent again", async () => {
    const { org, receiver, endpoint } = await orgWithEndpoint(["key.created"]);
    receiver.answers.push(200, 500, 200);
    const postgres = providerOfDb(db) === "postgres";
    // The 500's outcome cannot be written (the database refuses that one update, of this endpoint's deliveries).
    const refused = `NEW."endpointId" = '${endpoint.id}' AND NEW."lastStatusCode" = 500 AND NEW."attempts" > OLD."attempts"`;
    if (postgres) {
      await db.$executeRawUnsafe(
        `CREATE OR REPLACE FUNCTION test_fail_outcome() RETURNS trigger AS $$ BEGIN IF ${refused} THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await db.$executeRawUnsafe(
        `CREATE TRIGGER test_fail_outcome BEFORE UPDATE ON "WebhookDelivery" FOR EACH ROW EXECUTE FUNCTION test_fail_outcome()`,
      );
    } else {
      await db.$executeRawUnsafe(
        `CREATE TRIGGER test_fail_outcome BEFORE UPDATE ON "WebhookDelivery" WHEN ${refused} BEGIN SELECT RAISE(ABORT, 'refused'); END`,
      );
    }
    const options = { ...fast, leaseMs: 300 };
    try {
      for (const name of ["Kept one", "Kept two", "Kept three"]) await makeKey(db, org.actor, { name });
      // The failure's own write is what throws.
      await expect(dispatchOnce(db, options)).rejects.toThrow(/refused|webhookDelivery\.update/);
    } finally {
      await db.$executeRawUnsafe(postgres ? `DROP TRIGGER test_fail_outcome ON "WebhookDelivery"` : `DROP TRIGGER test_fail_outcome`);
    }
    expect(receiver.received.map((h) => h.status).sort()).toEqual([200, 200, 500]);
    // Once the leases end, only the delivery whose outcome was lost is due again.
    await new Promise((resolve) => setTimeout(resolve, 400));
    await drain(db, options);
    const failed = receiver.received.find((h) => h.status === 500)!;
    expect(receiver.received.slice(3).map((h) => [h.id, h.status])).toEqual([[failed.id, 200]]);
  });

  it("the dispatcher polls again at once only while a batch comes back full: a backlog drains at once, a trickle waits for the next poll", async () => {
    const { org, receiver } = await orgWithEndpoint(["key.created"]);
    for (let i = 0; i < 7; i++) await makeKey(db, org.actor, { name: `Backlog ${i}` });
    const dispatcher = startDispatcher(db, { ...fast, batchSize: 3, concurrency: 2, intervalMs: 60_000 });
    try {
      await until(() => receiver.received.length === 7);
      await makeKey(db, org.actor, { name: "Trickle" });
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received).toHaveLength(7);
      dispatcher.poke();
      await until(() => receiver.received.length === 8);
    } finally {
      await dispatcher.stop();
    }
  });

  it("an instance stopped between attempts, or in the middle of one, loses nothing: a new one delivers it with the same id", async () => {
    const { org, receiver, endpoint } = await orgWithEndpoint();
    receiver.answers.push(500);
    await makeKey(db, org.actor, { name: "Survives" });
    // Instance A: its own database client and dispatcher, stopped after the failed attempt.
    const dbA = createDb(url);
    const a = startDispatcher(dbA, { ...fast, baseDelayMs: 300, maxDelayMs: 300, intervalMs: 20 });
    await until(() => receiver.received.length === 1);
    await a.stop();
    await dbA.$disconnect();
    // Instance B starts later and sends the retry.
    const dbB = createDb(url);
    const b = startDispatcher(dbB, { ...fast, intervalMs: 20 });
    await until(() => receiver.received.length === 2);
    await b.stop();
    expect(receiver.received.map((h) => [h.id, h.status])).toEqual([
      [receiver.received[0].id, 500],
      [receiver.received[0].id, 200],
    ]);

    // Mid-attempt: A fans the event out (its new delivery is leased to A) and dies before sending; once the lease
    // ends B sends it.
    await makeKey(db, org.actor, { name: "Claimed then lost" });
    const lease = { ...fast, leaseMs: 300 };
    const { deliveries: claimed } = await fanOut(dbB, lease);
    expect(claimed).toHaveLength(1);
    expect(await claimDueDeliveries(dbB, lease)).toEqual([]);
    expect(await dispatchOnce(dbB, lease)).toBe(0);
    await until(async () => (await dispatchOnce(dbB, lease), receiver.received.length === 3));
    expect(receiver.received[2]).toMatchObject({ id: claimed[0].eventId, status: 200 });
    expect((await listDeliveries(db, org.orgId, endpoint.id))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
    await dbB.$disconnect();
  });

  it("a change that rolls back sends nothing", async () => {
    const { org, receiver } = await orgWithEndpoint();
    const { key } = await makeKey(db, org.actor, { name: "Stays" });
    const failing = providerOfDb(db) === "postgres";
    if (failing) {
      await db.$executeRawUnsafe(
        `CREATE OR REPLACE FUNCTION test_fail_revoke() RETURNS trigger AS $$ BEGIN IF NEW."action" = 'key.revoked' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
      );
      await db.$executeRawUnsafe(
        `CREATE TRIGGER test_fail_revoke BEFORE INSERT ON "AuditEvent" FOR EACH ROW EXECUTE FUNCTION test_fail_revoke()`,
      );
    } else {
      await db.$executeRawUnsafe(
        `CREATE TRIGGER test_fail_revoke BEFORE INSERT ON "AuditEvent" WHEN NEW."action" = 'key.revoked' BEGIN SELECT RAISE(ABORT, 'refused'); END`,
      );
    }
    try {
      await expect(revokeKey(db, org.actor, revokeKeySchema.parse({ keyId: key.id, confirmName: "Stays" }))).rejects.toThrow();
    } finally {
      await db.$executeRawUnsafe(failing ? `DROP TRIGGER test_fail_revoke ON "AuditEvent"` : `DROP TRIGGER test_fail_revoke`);
    }
    await drain();
    expect(receiver.received.map((h) => h.verified?.type)).toEqual(["key.created"]);
  });

  it("two instances on one database deliver each event once per endpoint", async () => {
    const { org, receiver } = await orgWithEndpoint();
    const second = await startReceiver();
    receivers.push(second);
    const extra = await createEndpoint(db, adminActor(org), { url: second.url, description: "", eventTypes: ["key.created"] });
    second.setSecret(extra.secret);
    for (let i = 0; i < 20; i++)
      await db.$transaction((tx) => recordEvent(tx, { orgId: org.orgId, type: "key.created", payload: { n: i } }));
    const dbA = createDb(url);
    const dbB = createDb(url);
    const options = { ...fast, batchSize: 3, concurrency: 2, intervalMs: 10 };
    const a = startDispatcher(dbA, options);
    const b = startDispatcher(dbB, options);
    await until(() => receiver.received.length >= 20 && second.received.length >= 20, 15_000);
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([a.stop(), b.stop()]);
    await Promise.all([dbA.$disconnect(), dbB.$disconnect()]);
    for (const r of [receiver, second]) {
      expect(r.received).toHaveLength(20);
      expect(new Set(r.received.map((h) => h.id)).size).toBe(20);
      expect(r.received.every((h) => h.verified)).toBe(true);
    }
  });

  it("send test event: one signed webhook.test to that endpoint only", async () => {
    const { org, admin, receiver, endpoint } = await orgWithEndpoint();
    const other = await startReceiver();
    receivers.push(other);
    const second = await createEndpoint(db, admin, { url: other.url, description: "", eventTypes: [] });
    other.setSecret(second.secret);
    const { eventId } = await sendTestEvent(db, admin, endpoint.id);
    await drain();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({ id: eventId, verified: { type: "webhook.test" } });
    expect(other.received).toHaveLength(0);
    expect(await db.notification.count({ where: { orgId: org.orgId } })).toBe(0);
  });

  it("a redirect is not followed and counts as a failure", async () => {
    const { org, receiver, endpoint } = await orgWithEndpoint();
    receiver.answers.push(302);
    await makeKey(db, org.actor, { name: "Redirected" });
    await dispatchOnce(db, fast);
    expect(receiver.received).toHaveLength(1);
    expect((await listDeliveries(db, org.orgId, endpoint.id))[0]).toMatchObject({
      status: "pending",
      lastStatusCode: 302,
      lastError: "Redirect (302) not followed",
    });
  });

  it("an endpoint failing for the whole retry window is disabled, with webhook.disabled to admins and leads", async () => {
    const { org, receiver, endpoint } = await orgWithEndpoint(["key.created"]);
    const lead = await addMember(db, org.orgId, "lead");
    const auditor = await addMember(db, org.orgId, "auditor");
    receiver.answers.push(...Array<number>(100).fill(500));
    await makeKey(db, org.actor, { name: "Never arrives" });
    const window = { ...fast, retryWindowMs: 300 };
    await until(
      async () => (await dispatchOnce(db, window), !(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).enabled),
    );
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.disabledReason).toMatch(/No successful delivery/);
    const disabled = await db.outboxEvent.findFirstOrThrow({ where: { orgId: org.orgId, type: "webhook.disabled" } });
    expect(JSON.parse(disabled.payload)).toMatchObject({ endpoint: { id: endpoint.id, url: receiver.url } });
    expect(disabled.payload).not.toContain("whsec_");
    await drain();
    const notified = (await db.notification.findMany({ where: { orgId: org.orgId, type: "webhook.disabled" } })).map((n) => n.userId);
    expect(notified.sort()).toEqual([org.userId, lead.userId].sort());
    expect(notified).not.toContain(auditor.userId);
    const attempts = receiver.received.length;
    await makeKey(db, org.actor, { name: "After disabling" });
    await drain();
    expect(receiver.received).toHaveLength(attempts);
  });

  it("stores the endpoint secret only sealed, and returns it once in Standard Webhooks' format", async () => {
    const { endpoint, secret } = await orgWithEndpoint();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.secretEnc).not.toContain(secret.slice(6));
    expect(JSON.stringify(endpoint)).not.toContain(secret);
  });
});
