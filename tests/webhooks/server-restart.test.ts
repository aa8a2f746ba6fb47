import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEndpoint, updateWebhookSettings } from "@/lib/webhooks/endpoints";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { ensureAppBuilt, startKeyward, type KeywardServer } from "../support/keyward-server";
import { adminActor } from "../support/members";
import { startReceiver } from "../support/webhook-receiver";

// The real server's dispatcher (its own thread): an event whose first attempt failed is still delivered, with the
// same webhook-id, by the server started again after a stop.
const { db, url } = await setUpTestDb();
const receiver = await startReceiver();
const env = { KEYWARD_WEBHOOK_POLL_MS: "100", KEYWARD_WEBHOOK_RETRY_BASE_MS: "1500" };
let server: KeywardServer | undefined;

beforeAll(ensureAppBuilt);
afterAll(async () => {
  await server?.stop();
  await receiver.close();
});

async function until(check: () => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out; received ${JSON.stringify(receiver.received.map((r) => r.status))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("webhooks across a server restart", () => {
  it("a delivery that failed before the restart is delivered after it, with the same id and a valid signature", async () => {
    const org = await createOrg(db);
    await updateWebhookSettings(db, adminActor(org), { allowPrivateTargets: true });
    const { secret } = await createEndpoint(db, adminActor(org), { url: receiver.url, description: "", eventTypes: ["key.created"] });
    receiver.setSecret(secret);
    receiver.answers.push(500);

    server = await startKeyward({ databaseUrl: url, env });
    await makeKey(db, org.actor, { name: "Across restarts" });
    await until(() => receiver.received.length === 1);
    await server.stop();
    server = undefined;

    server = await startKeyward({ databaseUrl: url, env });
    await until(() => receiver.received.length === 2);
    const [first, second] = receiver.received;
    expect([first.status, second.status]).toEqual([500, 200]);
    expect(second.id).toBe(first.id);
    expect(second.verified).toMatchObject({ type: "key.created", data: { key: { name: "Across restarts" } } });
  }, 120_000);
});
