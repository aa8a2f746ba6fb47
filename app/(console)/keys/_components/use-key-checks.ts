import { useWatch } from "react-hook-form";
import type { KeyPolicy } from "@/lib/api-keys/policy";
import type { KeyFormControl } from "./key-form-values";
import { keyWarnings } from "./key-warnings";
import { formPolicyViolations } from "./policy-notice";

/**
 * What the key form shows live as the person types, for the create and the edit form alike: the risk warnings and
 * the key-policy violations the server will refuse (for an edit, only those of the fields it changes).
 */
export function useKeyChecks(
  control: KeyFormControl,
  policy: KeyPolicy,
  limitedTiers: readonly string[],
  editing?: Parameters<typeof formPolicyViolations>[3],
) {
  const [preset, customAt, scopes = [], cidrs = [], owner = "", rateLimits = "", tier = ""] = useWatch({
    control,
    name: ["expiry.preset", "expiry.customAt", "scopes", "cidrs", "owner", "rateLimits", "tier"],
  });
  return {
    preset,
    warnings: keyWarnings({ scopes, cidrs, neverExpires: preset === "never" }),
    violations: formPolicyViolations(policy, { preset, customAt, scopes, cidrs, owner, rateLimits, tier }, limitedTiers, editing),
  };
}
