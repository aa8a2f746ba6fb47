// What a verification request ended as: allowed ("OK") or the denial code the verify endpoint returns.
// Shared by the recorder (which writes UsageEvent.outcome / UsageRollup.outcome) and the charts; the
// order is the stacking order in charts, allowed first.
export const USAGE_OUTCOMES = [
  "OK",
  "NOT_FOUND",
  "REVOKED",
  "EXPIRED",
  "DISABLED",
  "IP_NOT_ALLOWED",
  "INSUFFICIENT_SCOPE",
  "USAGE_EXCEEDED",
  "RATE_LIMITED",
  "MALFORMED",
] as const;
export type UsageOutcome = (typeof USAGE_OUTCOMES)[number];

export const ALLOWED_OUTCOME: UsageOutcome = "OK";
export const DENIAL_OUTCOMES = USAGE_OUTCOMES.filter((o): o is Exclude<UsageOutcome, "OK"> => o !== ALLOWED_OUTCOME);

export function isUsageOutcome(value: unknown): value is UsageOutcome {
  return typeof value === "string" && (USAGE_OUTCOMES as readonly string[]).includes(value);
}

export const OUTCOME_LABELS: Record<UsageOutcome, string> = {
  OK: "Allowed",
  NOT_FOUND: "Unknown key",
  REVOKED: "Revoked key",
  EXPIRED: "Expired key",
  DISABLED: "Disabled key",
  IP_NOT_ALLOWED: "IP not allowed",
  INSUFFICIENT_SCOPE: "Insufficient scope",
  USAGE_EXCEEDED: "Quota used up",
  RATE_LIMITED: "Rate limited",
  MALFORMED: "Malformed request",
};

// Tailwind-600ish hues, each distinct from its neighbours in the stack and readable on white (≥ 3:1).
export const OUTCOME_COLORS: Record<UsageOutcome, string> = {
  OK: "#059669",
  NOT_FOUND: "#64748b",
  REVOKED: "#dc2626",
  EXPIRED: "#d97706",
  DISABLED: "#854d0e",
  IP_NOT_ALLOWED: "#7c3aed",
  INSUFFICIENT_SCOPE: "#db2777",
  USAGE_EXCEEDED: "#4338ca",
  RATE_LIMITED: "#0f766e",
  MALFORMED: "#0284c7",
};
