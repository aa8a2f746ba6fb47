import { ALLOW_ALL_CIDRS, parseCustomExpiry, parseExpiry, parseCidrList, type Scope } from "@/lib/keys/universal";
import { policyViolations, violationsOfEdit, type KeyPolicy } from "@/lib/api-keys/policy";
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

interface FormPolicyValues {
  preset?: string;
  customAt?: string;
  scopes: Scope[];
  cidrs: string[];
  owner: string;
  rateLimits: string;
  tier: string;
}

/**
 * The form's current values checked against the organization's policy, as the server will check them. An edit form
 * passes the key as it is: "keep" is its current expiry, and only the fields the edit changes are refused (the server
 * lets a key that broke a rule made after it still be renamed).
 */
export function formPolicyViolations(
  policy: KeyPolicy,
  values: FormPolicyValues,
  /** The organization's tiers that have at least one rate limit. */
  limitedTiers: readonly string[],
  editing?: { expiresAt: Date | null; values: Omit<FormPolicyValues, "preset" | "customAt"> },
  now = new Date(),
): string[] {
  const expiry =
    editing && values.preset === "keep"
      ? ({ ok: true, expiresAt: editing.expiresAt } as const)
      : values.preset === "custom"
        ? parseCustomExpiry(values.customAt, now)
        : parseExpiry(values.preset, now);
  if (!expiry.ok) return [];
  const cidrsOf = (lines: string[]) => {
    const filled = lines.filter((line) => line.trim() !== "");
    return filled.length === 0 ? [...ALLOW_ALL_CIDRS] : parseCidrList(filled).cidrs;
  };
  // Limits the schema refuses have their own field error: counted as set here, so the notice doesn't repeat it.
  const limits = rateLimitsSchema.safeParse(values.rateLimits);
  const rateLimited = (limits.success ? limits.data.length > 0 : true) || limitedTiers.includes(values.tier);
  const violations = policyViolations(
    policy,
    { expiresAt: expiry.expiresAt, scopes: values.scopes, cidrs: cidrsOf(values.cidrs), owner: values.owner, rateLimited },
    now,
  );
  if (!editing) return Object.values(violations);
  const was = editing.values;
  const changed: Record<string, boolean> = {
    expiresAt: values.preset !== "keep",
    scopes: JSON.stringify(values.scopes) !== JSON.stringify(was.scopes),
    cidrs: JSON.stringify(cidrsOf(values.cidrs)) !== JSON.stringify(cidrsOf(was.cidrs)),
    owner: values.owner.trim() !== was.owner.trim(),
    rateLimits: values.rateLimits.trim() !== was.rateLimits.trim(),
    tier: values.tier !== was.tier,
  };
  return Object.values(violationsOfEdit(violations, (field) => changed[field] === true));
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
