// Browser-safe imports: the create form runs the same check before the user submits.
import { isFullAccess, wildcardFamilies, type Scope } from "../keys/universal";
import type { FieldErrors } from "../errors";

export interface KeyPolicy {
  policyRequireExpiry: boolean;
  policyMaxLifetimeDays: number | null;
  policyForbidWildcardCidr: boolean;
  policyForbidFullAccess: boolean;
  policyRequireOwner: boolean;
  policyRequireRateLimit: boolean;
}

export interface KeyConfig {
  expiresAt: Date | null;
  scopes: Scope[];
  cidrs: string[];
  owner: string | null;
  /** At least one rate limit applies: the key's own, or its tier's (a quota alone is not a rate limit). */
  rateLimited: boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The organization row's columns that hold the key policy (lib/orgs/key-policy.ts readKeyPolicy selects them). */
export const KEY_POLICY_COLUMNS = {
  policyRequireExpiry: true,
  policyMaxLifetimeDays: true,
  policyForbidWildcardCidr: true,
  policyForbidFullAccess: true,
  policyRequireOwner: true,
  policyRequireRateLimit: true,
} as const satisfies Record<keyof KeyPolicy, true>;

/** The organization's key policy, as field errors naming the rule; empty when the key complies. */
export function policyViolations(policy: KeyPolicy, key: KeyConfig, now: Date): FieldErrors {
  const errors: FieldErrors = {};
  if (policy.policyRequireExpiry && key.expiresAt === null) {
    errors.expiry = "Your organization's key policy requires an expiry date";
  }
  if (policy.policyMaxLifetimeDays !== null) {
    const limit = now.getTime() + policy.policyMaxLifetimeDays * DAY_MS;
    if (key.expiresAt === null || key.expiresAt.getTime() > limit + 60_000) {
      errors.expiry = `Your organization's key policy limits keys to ${policy.policyMaxLifetimeDays} days`;
    }
  }
  if (policy.policyForbidWildcardCidr && wildcardFamilies(key.cidrs).length > 0) {
    errors.cidrs =
      "Your organization's key policy forbids allowing every address (0.0.0.0/0 or ::/0, or ranges that add up to it); list the networks this key is used from";
  }
  if (policy.policyForbidFullAccess && isFullAccess(key.scopes)) {
    errors.scopes = "Your organization's key policy forbids full-access keys (any action on all resources)";
  }
  if (policy.policyRequireOwner && !key.owner?.trim()) {
    errors.owner = "Your organization's key policy requires an owner: the team, customer or service the key serves";
  }
  if (policy.policyRequireRateLimit && !key.rateLimited) {
    errors.rateLimits = "Your organization's key policy requires a rate limit: set one, or choose a tier that has one";
  }
  return errors;
}

// The key fields each rule's field error is about.
const RULE_READS: Record<string, readonly string[]> = {
  expiry: ["expiresAt"],
  scopes: ["scopes"],
  cidrs: ["cidrs"],
  owner: ["owner"],
  rateLimits: ["rateLimits", "tier"],
};

/**
 * What an edit is refused for: the violations of the rules that read a field it changes, so a key that broke a
 * rule made after it was created can still be renamed. The edit service and the edit form both decide with this.
 */
export function violationsOfEdit(violations: FieldErrors, changed: (keyField: string) => boolean): FieldErrors {
  return Object.fromEntries(Object.entries(violations).filter(([rule]) => (RULE_READS[rule] ?? [rule]).some(changed)));
}
