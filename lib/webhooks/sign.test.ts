import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newEndpointSecret } from "./secret";
import { signWebhook } from "./sign";

describe("signWebhook (Standard Webhooks v1)", () => {
  it("signs exactly as the standardwebhooks package does, and that package verifies it", () => {
    const secret = newEndpointSecret();
    const sentAt = new Date();
    const body = JSON.stringify({ type: "key.new_address", timestamp: sentAt.toISOString(), data: { keyId: "key_1", note: "é ✓" } });
    const signature = signWebhook(secret, "evt_123", sentAt, body);
    expect(signature).toBe(new Webhook(secret).sign("evt_123", sentAt, body));
    const headers = {
      "webhook-id": "evt_123",
      "webhook-timestamp": String(Math.floor(sentAt.getTime() / 1000)),
      "webhook-signature": signature,
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newEndpointSecret()).verify(body, headers)).toThrow();
  });
});
