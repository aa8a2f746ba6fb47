import { describe, expect, it } from "vitest";
import { dispatchOnce } from "@/lib/events/dispatcher";
import { dispatchPending } from "@/lib/events/pending";
import { recordEvent } from "@/lib/events/record";
import { createEndpoint, updateWebhookSettings } from "@/lib/webhooks/endpoints";
import { setUpTestDb } from "../support/db";
import { createOrg } from "../support/fixtures";
import { adminActor } from "../support/members";
import { startReceiver } from "../support/webhook-receiver";

// A database of its own: "pending" looks at every organization's rows.
const { db } = await setUpTestDb();
const later = (ms: number) => new Date(Date.now() + ms);

describe("a dispatcher round first asks whether anything is pending", () => {
  it("an event not yet fanned out, then a delivery once it is due again, and nothing once all is sent", async () => {
    expect(await dispatchPending(db, new Date(), false)).toBe(false);
    const org = await createOrg(db);
    const admin = adminActor(org);
    await updateWebhookSettings(db, admin, { allowPrivateTargets: true });
    const receiver = await startReceiver();
    try {
      const { secret } = await createEndpoint(db, admin, { url: receiver.url, description: "pending", eventTypes: ["key.updated"] });
      receiver.setSecret(secret);
      // Fanned out already: the member and endpoint events above; none of them is for this endpoint.
      await dispatchOnce(db);
      expect(await dispatchPending(db, new Date(), false)).toBe(false);

      await db.$transaction((tx) => recordEvent(tx, { orgId: org.orgId, type: "key.updated", payload: {} }));
      expect(await dispatchPending(db, new Date(), false)).toBe(true);

      receiver.answers.push(500);
      const options = { baseDelayMs: 60_000, maxDelayMs: 60_000, timeoutMs: 2000 };
      expect(await dispatchOnce(db, options)).toBe(1);
      expect(receiver.received.map((h) => h.status)).toEqual([500]);
      // The failed delivery is retried in a minute or so (jitter): not pending now, pending once that time comes.
      expect(await dispatchPending(db, new Date(), false)).toBe(false);
      expect(await dispatchOnce(db, options)).toBe(0);
      expect(await dispatchPending(db, later(2 * 60_000), false)).toBe(true);
      expect(await dispatchOnce(db, { ...options, now: () => later(2 * 60_000) })).toBe(1);
      expect(receiver.received.map((h) => h.status)).toEqual([500, 200]);
      expect(await dispatchPending(db, later(2 * 60_000), false)).toBe(false);
    } finally {
      await receiver.close();
    }
  });

  it("an email due counts only while email is on", async () => {
    const org = await createOrg(db, { name: "Mail" });
    await db.emailDelivery.create({
      data: {
        id: "eml_pending_test",
        orgId: org.orgId,
        eventId: "evt_pending_test",
        eventType: "key.expiring",
        toAddress: "owner@example.com",
        subject: "s",
        body: "b",
        nextAttemptAt: later(60_000),
      },
    });
    expect(await dispatchPending(db, new Date(), true)).toBe(false);
    expect(await dispatchPending(db, later(2 * 60_000), true)).toBe(true);
    expect(await dispatchPending(db, later(2 * 60_000), false)).toBe(false);
  });
});
