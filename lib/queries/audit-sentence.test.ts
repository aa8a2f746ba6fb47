import { describe, expect, it } from "vitest";
import { describeAuditEvent } from "./audit-sentence";

describe("describeAuditEvent", () => {
  it("reads a key edit as one sentence: scope removed, CIDR narrowed, expiry dropped", () => {
    const data = {
      before: {
        scopes: [
          { action: "read", resourceFilter: "carts/**" },
          { action: "write", resourceFilter: "carts/**" },
        ],
        cidrs: ["203.0.113.0/24"],
        expiresAt: "2027-01-01T00:00:00.000Z",
      },
      // edit-key records fields in its own order; the sentence keeps one order
      after: { expiresAt: null, scopes: [{ action: "read", resourceFilter: "carts/**" }], cidrs: ["203.0.113.0/28"] },
    };
    expect(describeAuditEvent("key.updated", data)).toBe(
      "Removed scope write on carts/**; narrowed allowed IPs 203.0.113.0/24 → 203.0.113.0/28; expiry 2027-01-01 → never",
    );
  });

  it("says widened, and 'any address' for an empty allow-list", () => {
    expect(describeAuditEvent("key.updated", { before: { cidrs: ["10.0.0.0/8"] }, after: { cidrs: [] } })).toBe(
      "Widened allowed IPs 10.0.0.0/8 → any address",
    );
  });

  it("reads the whole-internet ranges as any address", () => {
    const after = {
      environment: "test",
      scopes: [{ action: "read", resourceFilter: "carts/**" }],
      cidrs: ["0.0.0.0/0", "::/0"],
      expiresAt: null,
    };
    expect(describeAuditEvent("key.created", { after })).toBe(
      "Created (test) with read on carts/**; allowed IPs any address; expires never",
    );
  });

  it("never prints null or JSON: a revoke without a reason, a failed sign-in, an unknown event", () => {
    const lines = [
      describeAuditEvent("key.revoked", { name: "CI", reason: null, source: "console" }),
      describeAuditEvent("key.revoked", { name: "CI", reason: "Contract ended", source: "leak" }),
      describeAuditEvent("user.sign_in_failed", { email: "nobody@example.com", count: 3 }, "Sign-in failed"),
      describeAuditEvent("something.new", { a: null, b: { c: 1 }, d: [1, 2] }, "Something new"),
    ];
    expect(lines).toEqual([
      "Revoked",
      "Revoked from a leak report — reason: Contract ended",
      "Wrong email or password (3 times in that minute)",
      "Something new: b c 1; d 1, 2",
    ]);
    for (const line of lines) expect(line).not.toMatch(/null|[{}[\]"]/);
  });

  it("names the rules of a key-policy refusal and of a policy change", () => {
    expect(describeAuditEvent("key.policy_refused", { operation: "create", rules: ["owner", "rateLimits"], count: 1 })).toBe(
      "Refused creating a key: the key policy requires an owner, a rate limit",
    );
    expect(describeAuditEvent("key.policy_refused", { operation: "tier", rules: ["rateLimits"], count: 1 })).toBe(
      "Refused removing a tier's last rate limit: the key policy requires a rate limit",
    );
    expect(
      describeAuditEvent("org.key_policy_updated", {
        before: { requireOwner: false, requireRateLimit: false },
        after: { requireOwner: true, requireRateLimit: true },
      }),
    ).toBe("Key policy: require an owner no → yes; require a rate limit no → yes");
  });
});
