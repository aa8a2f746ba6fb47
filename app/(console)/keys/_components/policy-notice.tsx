import { ALLOW_ALL_CIDRS, parseCustomExpiry, parseExpiry, parseCidrList, type Scope } from "@/lib/keys/universal";
import { policyViolations, type KeyPolicy } from "@/lib/api-keys/policy";
import { rateLimitsSchema } from "@/lib/validations/ratelimits";

export function activePolicyRules(policy: KeyPolicy): string[] {
  const rules: string[] = [];
  if (policy.policyRequireExpiry) rules.push("Keys must expire");
  if (policy.policyMaxLifetimeDays !== null) rules.push(`Keys live at most ${policy.policyMaxLifetimeDays} days`);
  if (policy.policyForbidWildcardCidr) rules.push("Keys can't allow every address (0.0.0.0/0 or ::/0)");
  if (policy.policyForbidFullAccess) rules.push("Keys can't have full access");
  if (policy.policyRequireOwner) rules.push("Keys must name an owner");
  if (policy.policyRequireRateLimit) rules.push("Keys must have a rate limit (their own, or their tier's)");
  return rules;
}

/** The form's current values checked against the organization's policy, as the server will check them. */
export function formPolicyViolations(
  policy: KeyPolicy,
  values: { preset?: string; customAt?: string; scopes: Scope[]; cidrs: string[]; owner: string; rateLimits: string; tier: string },
  /** The organization's tiers that have at least one rate limit. */
  limitedTiers: readonly string[],
  now = new Date(),
): string[] {
  const expiry = values.preset === "custom" ? parseCustomExpiry(values.customAt, now) : parseExpiry(values.preset, now);
  if (!expiry.ok) return [];
  const lines = values.cidrs.filter((line) => line.trim() !== "");
  const cidrs = lines.length === 0 ? [...ALLOW_ALL_CIDRS] : parseCidrList(lines).cidrs;
  // Limits the schema refuses have their own field error: counted as set here, so the notice doesn't repeat it.
  const limits = rateLimitsSchema.safeParse(values.rateLimits);
  const rateLimited = (limits.success ? limits.data.length > 0 : true) || limitedTiers.includes(values.tier);
  return Object.values(
    policyViolations(policy, { expiresAt: expiry.expiresAt, scopes: values.scopes, cidrs, owner: values.owner, rateLimited }, now),
  );
}

export function PolicyNotice({ rules, violations }: { rules: string[]; violations: string[] }) {
  if (rules.length === 0) return null;
  return (
    <div
      className={
        violations.length > 0
          ? "rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900"
          : "rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-700"
      }
      data-testid="policy-notice"
    >
      <p className="font-medium">Your organization’s key policy</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {rules.map((rule) => (
          <li key={rule}>{rule}</li>
        ))}
      </ul>
      {violations.length > 0 && (
        // The alert is the list's container: a role on the <ul> itself would hide its items' list semantics.
        <div role="alert" className="mt-2">
          <ul className="space-y-0.5 font-medium">
            {violations.map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
