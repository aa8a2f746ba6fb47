import type { UsageOutcome } from "./outcomes";

/** One verification, allowed or denied, as the recorder buffers it. Never holds a secret. */
export interface UsageEventInput {
  /** "" when the secret matched no key (the organization is unknown then). */
  orgId: string;
  keyId: string;
  at: Date;
  outcome: UsageOutcome;
  action: string | null;
  resource: string | null;
  ip: string | null;
  userAgent: string | null;
}

export const USAGE_IP_MAX = 64;
export const USAGE_USER_AGENT_MAX = 256;
