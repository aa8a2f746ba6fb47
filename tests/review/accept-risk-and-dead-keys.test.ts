import { describe, expect, it } from "vitest";
import { DomainError } from "@/lib/errors";
import { revokeKeyById } from "@/lib/api-keys/revoke-key";
import { getRiskyKeys } from "@/lib/queries/review";
import { getRevokeContext } from "@/lib/queries/revoke-context";
import { acceptRisk } from "@/lib/review/accept-risk";
import { hourOf } from "@/lib/usage/rollup";
import { acceptRiskSchema } from "@/lib/validations/review";
import { setUpTestDb } from "../support/db";
import { createOrg, makeKey } from "../support/fixtures";

const { db } = await setUpTestDb();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const inDays = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

describe("accepting a risk", () => {
  it("hides that finding (only it) until the end date, and records who, why and until when in the audit log", async () => {
    const org = await createOrg(db, { name: "Accepting" });
    const glass = await makeKey(db, org.actor, { name: "Break glass", expiry: { preset: "never" }, cidrs: [] });
    const codesOf = async (at = new Date()) =>
      (await getRiskyKeys(db, org.orgId, at)).find((k) => k.id === glass.key.id)?.reasons.map((r) => r.code);
    expect(await codesOf()).toEqual(["internet_ipv4", "internet_ipv6", "never_expires"]);

    const until = inDays(30);
    await acceptRisk(db, org.actor, { keyId: glass.key.id, code: "never_expires", justification: "Break-glass, owned by on-call", until });
    expect(await codesOf()).toEqual(["internet_ipv4", "internet_ipv6"]);
    // Back after the end date.
    expect(await codesOf(new Date(Date.now() + 32 * DAY))).toContain("never_expires");

    for (const code of ["internet_ipv4", "internet_ipv6"] as const)
      await acceptRisk(db, org.actor, { keyId: glass.key.id, code, justification: "Called from anywhere by design", until });
    expect(await codesOf()).toBeUndefined();

    const audit = await db.auditEvent.findFirstOrThrow({
      where: { orgId: org.orgId, action: "review.risk_accepted", targetId: glass.key.id },
    });
    expect(audit.actorLabel).toBe(org.email);
    expect(JSON.parse(audit.data)).toMatchObject({
      finding: "never_expires",
      justification: "Break-glass, owned by on-call",
      name: "Break glass",
    });
  });

  it("refuses another organization's key, changing nothing", async () => {
    const org = await createOrg(db, { name: "Mine" });
    const other = await createOrg(db, { name: "Theirs" });
    const theirs = await makeKey(db, other.actor, { name: "Theirs", expiry: { preset: "never" } });
    await expect(
      acceptRisk(db, org.actor, { keyId: theirs.key.id, code: "never_expires", justification: "x", until: inDays(5) }),
    ).rejects.toBeInstanceOf(DomainError);
    expect(await db.riskAcceptance.count({ where: { keyId: theirs.key.id } })).toBe(0);
  });

  it("needs a justification and an end date in the coming year", () => {
    const valid = { keyId: "key_ABCDEFGHIJ0123456789", code: "never_expires", justification: "why", until: inDays(10) };
    expect(acceptRiskSchema.safeParse(valid).success).toBe(true);
    const fieldOf = (input: object) => acceptRiskSchema.safeParse({ ...valid, ...input }).error?.issues[0].path[0];
    expect(fieldOf({ justification: "  " })).toBe("justification");
    expect(fieldOf({ until: inDays(-1) })).toBe("until");
    expect(fieldOf({ until: inDays(400) })).toBe("until");
    expect(fieldOf({ until: "soon" })).toBe("until");
    expect(fieldOf({ code: "made_up" })).toBe("code");
  });
});

describe("revoked or expired keys still being called", () => {
  it("is a finding for dead keys refused in the last 24 h, with the count; not for quiet dead keys or older calls", async () => {
    const org = await createOrg(db, { name: "Dead keys" });
    const now = new Date();
    const hour = hourOf(now);
    const revoked = await makeKey(db, org.actor, { name: "Revoked, still called" });
    await revokeKeyById(db, org.actor, revoked.key.id, "leak");
    const quiet = await makeKey(db, org.actor, { name: "Revoked, quiet" });
    await revokeKeyById(db, org.actor, quiet.key.id, undefined);
    const expired = await makeKey(db, org.actor, { name: "Expired, still called" });
    await db.apiKey.update({ where: { id: expired.key.id }, data: { expiresAt: new Date(now.getTime() - DAY) } });
    await db.usageRollup.createMany({
      data: [
        { orgId: org.orgId, keyId: revoked.key.id, hour, outcome: "REVOKED", count: 7 },
        { orgId: org.orgId, keyId: expired.key.id, hour: new Date(hour.getTime() - 2 * HOUR), outcome: "EXPIRED", count: 1 },
        // Older than 24 h: not counted.
        { orgId: org.orgId, keyId: quiet.key.id, hour: new Date(hour.getTime() - 30 * HOUR), outcome: "REVOKED", count: 50 },
      ],
    });
    const dead = (await getRiskyKeys(db, org.orgId, now)).filter((k) => k.reasons.some((r) => r.code === "revoked_in_use"));
    expect(dead.map((k) => [k.name, k.status])).toEqual([
      ["Expired, still called", "expired"],
      ["Revoked, still called", "revoked"],
    ]);
    expect(dead[0].reasons[0].detail).toContain("1 request in the last 24 hours with this expired key");
    expect(dead[1].reasons[0].detail).toContain("7 requests in the last 24 hours with this revoked key");

    await acceptRisk(db, org.actor, {
      keyId: revoked.key.id,
      code: "revoked_in_use",
      justification: "Old client being retired",
      until: inDays(3),
    });
    expect((await getRiskyKeys(db, org.orgId, now)).map((k) => k.name)).not.toContain("Revoked, still called");
  });
});

describe("the revoke dialog's context", () => {
  it("counts 7 days of requests (every outcome) and gives the last use; nothing for another organization", async () => {
    const org = await createOrg(db, { name: "Context" });
    const other = await createOrg(db, { name: "Other context" });
    const key = await makeKey(db, org.actor, { name: "Busy" });
    const now = new Date();
    const hour = hourOf(now);
    await db.apiKey.update({
      where: { id: key.key.id },
      data: { lastUsedAt: now, lastUsedIp: "203.0.113.42", lastUsedUserAgent: "payments-worker/2.1" },
    });
    await db.usageRollup.createMany({
      data: [
        { orgId: org.orgId, keyId: key.key.id, hour, outcome: "OK", count: 400 },
        { orgId: org.orgId, keyId: key.key.id, hour: new Date(hour.getTime() - 6 * DAY), outcome: "IP_NOT_ALLOWED", count: 55 },
        { orgId: org.orgId, keyId: key.key.id, hour: new Date(hour.getTime() - 8 * DAY), outcome: "OK", count: 1000 },
      ],
    });
    expect(await getRevokeContext(db, org.orgId, key.key.id, now)).toMatchObject({
      status: "active",
      requests7d: 455,
      lastUsedIp: "203.0.113.42",
      lastUsedUserAgent: "payments-worker/2.1",
    });
    expect(await getRevokeContext(db, other.orgId, key.key.id, now)).toBeNull();
  });
});
