import { afterAll, describe, expect, it } from "vitest";
import { runAction } from "@/lib/actions/run-action";
import { dispatchOnce } from "@/lib/events/dispatcher";
import { createEndpoint, listDeliveries, updateWebhookSettings } from "@/lib/webhooks/endpoints";
import { isPublicAddress } from "@/lib/webhooks/ssrf";
import { webhookEndpointSchema } from "@/lib/validations/webhook";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";
import { adminActor } from "../support/members";
import { startReceiver } from "../support/webhook-receiver";

const { db } = await setUpTestDb();
const receiver = await startReceiver();
afterAll(() => receiver.close());

const REFUSED_URLS = [
  "http://127.0.0.1:9/hooks",
  "http://localhost:9/hooks",
  "http://0x7f.1/hooks",
  "http://2130706433/hooks",
  "http://10.0.0.5/hooks",
  "http://172.16.3.4/hooks",
  "http://192.168.1.1/hooks",
  "http://169.254.169.254/latest/meta-data/",
  "http://100.64.0.1/hooks",
  "http://100.100.100.200/latest/meta-data",
  "http://0.0.0.0/hooks",
  "http://[::1]/hooks",
  "http://[fe80::1]/hooks",
  "http://[fd00:ec2::254]/latest/meta-data/",
  "http://[::ffff:127.0.0.1]/hooks",
  "http://[::ffff:a9fe:a9fe]/hooks",
  "http://[64:ff9b::a9fe:a9fe]/hooks",
  "http://[2002:7f00:1::]/hooks",
  "http://[::]/hooks",
];

describe("webhook targets are checked against SSRF (private targets off)", () => {
  it.each(REFUSED_URLS)("refuses %s at save time with a field error, storing nothing", async (url) => {
    const org = await createOrg(db);
    const result = await runAction(webhookEndpointSchema, { url, description: "", eventTypes: [] }, (input) =>
      createEndpoint(db, adminActor(org), input),
    );
    expect(result).toMatchObject({ ok: false, code: "VALIDATION", fieldErrors: { url: expect.stringMatching(/address|resolved/) } });
    expect(await db.webhookEndpoint.count({ where: { orgId: org.orgId } })).toBe(0);
  });

  it("refuses a name that resolves to a private address among public ones", async () => {
    const org = await createOrg(db);
    const resolve = () => Promise.resolve(["93.184.215.14", "10.1.2.3"]);
    await expect(
      createEndpoint(db, adminActor(org), { url: "https://hooks.example.com/x", description: "", eventTypes: [] }, resolve),
    ).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("checks again at send time: a target that became private (DNS change, or the setting turned off) gets nothing", async () => {
    const org = await createOrg(db);
    const admin = adminActor(org);
    await updateWebhookSettings(db, admin, { allowPrivateTargets: true });
    const { endpoint, secret } = await createEndpoint(db, admin, { url: receiver.url, description: "", eventTypes: [] });
    receiver.setSecret(secret);
    await updateWebhookSettings(db, admin, { allowPrivateTargets: false });
    await makeKey(db, org.actor, { name: "Not sent" });
    await dispatchOnce(db, { baseDelayMs: 10_000 });
    expect(receiver.received).toHaveLength(0);
    const [delivery] = await listDeliveries(db, org.orgId, endpoint.id);
    expect(delivery).toMatchObject({
      status: "pending",
      attempts: 1,
      lastStatusCode: null,
      lastError: expect.stringMatching(/127\.0\.0\.1/),
    });
    // A public name whose DNS now answers with a loopback address: refused before connecting.
    const renamed = await createEndpoint(db, admin, { url: "https://hooks.example.com/x", description: "", eventTypes: [] }, () =>
      Promise.resolve(["93.184.215.14"]),
    );
    await makeKey(db, org.actor, { name: "Rebound" });
    await dispatchOnce(db, { baseDelayMs: 10_000, resolve: () => Promise.resolve(["127.0.0.1"]) });
    const [rebound] = await listDeliveries(db, org.orgId, renamed.endpoint.id);
    expect(rebound).toMatchObject({ status: "pending", lastStatusCode: null, lastError: expect.stringMatching(/127\.0\.0\.1/) });
    expect(receiver.received).toHaveLength(0);
  });

  it("classifies addresses: public unicast only", () => {
    for (const a of ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"]) expect(isPublicAddress(a), a).toBe(true);
    for (const a of [
      "127.0.0.1",
      "10.0.0.1",
      "169.254.169.254",
      "100.64.0.1",
      "::1",
      "fe80::1",
      "fc00::1",
      "::ffff:10.0.0.1",
      "224.0.0.1",
      "255.255.255.255",
      "not an ip",
    ]) {
      expect(isPublicAddress(a), a).toBe(false);
    }
  });
});
