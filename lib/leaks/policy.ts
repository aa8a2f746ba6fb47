// What a leak report from a scanner does to the key whose secret it found (Organization.leakPolicy).
export const LEAK_POLICIES = ["revoke", "rotate", "alert"] as const;
export type LeakPolicy = (typeof LEAK_POLICIES)[number];

export const LEAK_POLICY_LABELS: Record<LeakPolicy, { label: string; hint: string }> = {
  revoke: {
    label: "Revoke the key",
    hint: "The key stops working at once. Recommended: a secret in a public repository is used within minutes.",
  },
  rotate: {
    label: "Rotate the key and alert",
    hint: "The leaked secret stops working at once; the key keeps its settings and gets a new secret, which nobody has seen yet: rotate it again to hand one out.",
  },
  alert: { label: "Alert only", hint: "The key keeps working. Admins are told, and must act themselves." },
};

export function isLeakPolicy(value: unknown): value is LeakPolicy {
  return typeof value === "string" && (LEAK_POLICIES as readonly string[]).includes(value);
}
