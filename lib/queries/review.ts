import type { Db } from "../db/client";
import { KEY_POLICY_COLUMNS, policyViolations } from "../api-keys/policy";
import { isFullAccess, wildcardFamilies, type Scope } from "../keys";
import { HOUR_MS, hourOf } from "../usage/rollup";
import { ALLOWED_OUTCOME } from "../usage/outcomes";
import { RISK_CODES, type RiskCode } from "../validations/review";
import { toKeyView } from "../api-keys/serialize";
import { parseRateLimits } from "../ratelimits/policy";
import { statusWhere } from "./keys";

export type { RiskCode };

// The security review: which working keys carry risk, and why. Each rule is a plain predicate over the
// key and its last 24 h of denials, so a reviewer can read exactly what triggered it.

const DAY_MS = 24 * HOUR_MS;
/** Denied requests in the last 24 hours that suggest a leaked key being tried from elsewhere. */
export const DENIALS_24H_THRESHOLD = 20;
export const UNUSED_DAYS = 90;
export const NEVER_USED_DAYS = 30;

export const RISK_LABELS: Record<RiskCode, string> = {
  revoked_in_use: "Revoked or expired, still being called",
  denials_24h: "Many denied requests in the last 24 hours",
  full_access: "Full access",
  internet_ipv4: "Allows the whole IPv4 internet",
  internet_ipv6: "Allows the whole IPv6 internet",
  never_expires: "Never expires",
  unused: `Unused for ${UNUSED_DAYS}+ days`,
  never_used: `Never used, created ${NEVER_USED_DAYS}+ days ago`,
  policy: "Breaks the organization's key policy",
};

// Most urgent first: a dead secret still in use somewhere, or a key probed right now, outranks a configuration smell.
const RISK_ORDER: readonly RiskCode[] = RISK_CODES;
/** The refusals that mean "this secret is dead and something still sends it". */
const DEAD_KEY_OUTCOMES = ["REVOKED", "EXPIRED"];

export interface RiskReason {
  code: RiskCode;
  label: string;
  detail: string;
}

export interface RiskyKey {
  id: string;
  name: string;
  status: "active" | "expired" | "revoked";
  display: string;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  reasons: RiskReason[];
}

export interface KeyRiskInput {
  expiresAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  scopes: Scope[];
  cidrs: string[];
  owner: string | null;
  /** At least one rate limit applies, the key's own or its tier's. */
  rateLimited: boolean;
  denials24h: number;
}

type Policy = Parameters<typeof policyViolations>[0];

/** Pure: the reasons one working key is risky, most urgent first. */
export function riskReasons(key: KeyRiskInput, policy: Policy, now: Date): RiskReason[] {
  const reasons: RiskReason[] = [];
  const add = (code: RiskCode, detail: string) => reasons.push({ code, label: RISK_LABELS[code], detail });
  if (key.denials24h >= DENIALS_24H_THRESHOLD) {
    add(
      "denials_24h",
      `${key.denials24h} denied requests in the last 24 hours (alert at ${DENIALS_24H_THRESHOLD}): the secret may be tried from elsewhere`,
    );
  }
  // Lifetime is measured from creation: a key made before a max-lifetime rule was set still breaks it.
  for (const message of Object.values(policyViolations(policy, key, key.createdAt))) add("policy", message);
  if (isFullAccess(key.scopes)) add("full_access", "Any action on all resources; narrow it to what the client needs");
  for (const family of wildcardFamilies(key.cidrs)) {
    add(
      family === "ipv4" ? "internet_ipv4" : "internet_ipv6",
      family === "ipv4"
        ? "Every IPv4 address is allowed (0.0.0.0/0, or ranges that add up to it)"
        : "Every IPv6 address is allowed (::/0, or ranges that add up to it)",
    );
  }
  if (key.expiresAt === null) add("never_expires", "Set an expiry so a forgotten key stops working on its own");
  const age = now.getTime() - key.createdAt.getTime();
  if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() >= UNUSED_DAYS * DAY_MS) {
    add("unused", `Last used ${Math.floor((now.getTime() - key.lastUsedAt.getTime()) / DAY_MS)} days ago; revoke it if nothing needs it`);
  } else if (!key.lastUsedAt && age >= NEVER_USED_DAYS * DAY_MS) {
    add("never_used", `Created ${Math.floor(age / DAY_MS)} days ago and never used`);
  }
  return reasons.sort((a, b) => RISK_ORDER.indexOf(a.code) - RISK_ORDER.indexOf(b.code));
}

/** Active keys with at least one risk, and dead keys still being called, most urgent first; accepted findings left out. */
export async function getRiskyKeys(db: Db, orgId: string, now: Date = new Date()): Promise<RiskyKey[]> {
  const policy = await db.organization.findUnique({ where: { id: orgId }, select: KEY_POLICY_COLUMNS });
  if (!policy) return [];
  const since = new Date(hourOf(now).getTime() - 23 * HOUR_MS);
  const [keys, denials, deadCalls, accepted] = await Promise.all([
    db.apiKey.findMany({
      where: { orgId, ...statusWhere("active", now) },
      include: { scopes: { orderBy: { position: "asc" } }, cidrs: true, tier: { select: { rateLimits: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.usageRollup.groupBy({
      by: ["keyId"],
      where: { orgId, hour: { gte: since }, outcome: { not: ALLOWED_OUTCOME } },
      _sum: { count: true },
    }),
    db.usageRollup.groupBy({
      by: ["keyId"],
      where: { orgId, hour: { gte: since }, outcome: { in: DEAD_KEY_OUTCOMES } },
      _sum: { count: true },
    }),
    db.riskAcceptance.findMany({ where: { orgId, until: { gt: now } }, select: { keyId: true, code: true } }),
  ]);
  const denialsByKey = new Map(denials.map((d) => [d.keyId, d._sum.count ?? 0]));
  const acceptedFindings = new Set(accepted.map((a) => `${a.keyId}:${a.code}`));
  const open = (keyId: string, reasons: RiskReason[]) => reasons.filter((r) => !acceptedFindings.has(`${keyId}:${r.code}`));
  const risky: RiskyKey[] = [];
  const deadIds = deadCalls.filter((d) => (d._sum.count ?? 0) > 0).map((d) => d.keyId);
  const deadKeys = deadIds.length
    ? await db.apiKey.findMany({ where: { orgId, id: { in: deadIds }, NOT: statusWhere("active", now) } })
    : [];
  for (const key of deadKeys) {
    const calls = deadCalls.find((d) => d.keyId === key.id)?._sum.count ?? 0;
    const state = key.revokedAt ? "revoked" : "expired";
    const reasons = open(key.id, [
      {
        code: "revoked_in_use",
        label: RISK_LABELS.revoked_in_use,
        detail: `${calls} ${calls === 1 ? "request" : "requests"} in the last 24 hours with this ${state} key: a leaked or forgotten secret is still in use somewhere`,
      },
    ]);
    if (reasons.length === 0) continue;
    risky.push({
      id: key.id,
      name: key.name,
      status: state,
      display: `${key.displayPrefix}…${key.last4}`,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      lastUsedIp: key.lastUsedIp,
      reasons,
    });
  }
  for (const key of keys) {
    const reasons = open(
      key.id,
      riskReasons(
        {
          expiresAt: key.expiresAt,
          createdAt: key.createdAt,
          lastUsedAt: key.lastUsedAt,
          scopes: key.scopes.map((s) => ({ action: s.action as Scope["action"], resourceFilter: s.resourceFilter })),
          cidrs: key.cidrs.map((c) => c.cidr),
          owner: key.owner,
          rateLimited: parseRateLimits(key.rateLimits).length > 0 || parseRateLimits(key.tier?.rateLimits ?? "[]").length > 0,
          denials24h: denialsByKey.get(key.id) ?? 0,
        },
        policy,
        now,
      ),
    );
    if (reasons.length === 0) continue;
    risky.push({
      id: key.id,
      name: key.name,
      status: "active",
      display: `${key.displayPrefix}…${key.last4}`,
      createdAt: key.createdAt.toISOString(),
      lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
      lastUsedIp: key.lastUsedIp,
      reasons,
    });
  }
  return risky.sort(
    (a, b) =>
      RISK_ORDER.indexOf(a.reasons[0].code) - RISK_ORDER.indexOf(b.reasons[0].code) ||
      b.reasons.length - a.reasons.length ||
      a.name.localeCompare(b.name),
  );
}

export const LONG_DISABLED_DAYS = 30;

export interface LongDisabledKey {
  id: string;
  name: string;
  display: string;
  owner: string | null;
  disabledAt: string;
  disabledBy: string | null;
}

/** Keys disabled (not revoked) for over LONG_DISABLED_DAYS: a pause that became permanent should be a revoke. */
export async function getLongDisabledKeys(db: Db, orgId: string, now: Date = new Date()): Promise<LongDisabledKey[]> {
  const before = new Date(now.getTime() - LONG_DISABLED_DAYS * DAY_MS);
  const rows = await db.apiKey.findMany({
    where: { orgId, revokedAt: null, disabledAt: { lt: before } },
    orderBy: { disabledAt: "asc" },
    take: 200,
  });
  return rows.map((row) => {
    const view = toKeyView(row, now);
    return {
      id: view.id,
      name: view.name,
      display: view.display,
      owner: view.owner,
      disabledAt: view.disabledAt!,
      disabledBy: view.disabledBy,
    };
  });
}
