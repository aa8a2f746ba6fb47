import { z } from "zod";
import { bulkRevokeSchema, keyIdSchema } from "./key";
import { text } from "./text";

/** Generous for a pasted log excerpt or chat thread, small enough to scan in one request. */
export const LEAK_TEXT_MAX = 100_000;

export const scanLeakedTextSchema = z.object({
  text: text({ error: "Paste the text that may contain a secret" }, { mayHoldSecret: true })
    .min(1, { error: "Paste the text that may contain a secret", abort: true })
    .max(LEAK_TEXT_MAX, `Paste at most ${LEAK_TEXT_MAX.toLocaleString("en-US")} characters at a time`),
});
export type ScanLeakedTextInput = z.input<typeof scanLeakedTextSchema>;

/** The same typed gate as the keys list's bulk revoke ("revoke 2 keys"): a replay without it is refused. */
export const revokeLeakedKeysSchema = bulkRevokeSchema;

/** The review's rules, most urgent first (lib/queries/review.ts labels and applies them). */
export const RISK_CODES = [
  "revoked_in_use",
  "denials_24h",
  "policy",
  "full_access",
  "internet_ipv4",
  "internet_ipv6",
  "never_expires",
  "unused",
  "never_used",
] as const;
export type RiskCode = (typeof RISK_CODES)[number];

export const JUSTIFICATION_MAX = 500;
/** An acceptance is reviewed again at least once a year. */
export const ACCEPT_RISK_MAX_DAYS = 366;
const DAY_MS = 86_400_000;

/** The end of an acceptance: the end of the chosen calendar day (UTC), so "until 2027-01-31" includes that day. */
export function acceptanceEnd(day: string): Date {
  return new Date(`${day}T23:59:59.999Z`);
}

export const acceptRiskSchema = z
  .object({
    keyId: keyIdSchema,
    code: z.enum(RISK_CODES, { error: "Choose a finding" }),
    justification: text({ error: "Say why this risk is acceptable" })
      .trim()
      .min(1, { error: "Say why this risk is acceptable", abort: true })
      .max(JUSTIFICATION_MAX, { error: `Keep the justification to ${JUSTIFICATION_MAX} characters or fewer`, abort: true }),
    until: text({ error: "Choose an end date" }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: "Choose an end date", abort: true }),
  })
  .superRefine(({ until }, ctx) => {
    const end = acceptanceEnd(until);
    const now = Date.now();
    if (Number.isNaN(end.getTime())) ctx.addIssue({ code: "custom", message: "Choose an end date", path: ["until"] });
    else if (end.getTime() <= now) ctx.addIssue({ code: "custom", message: "The end date must be in the future", path: ["until"] });
    else if (end.getTime() - now > ACCEPT_RISK_MAX_DAYS * DAY_MS)
      ctx.addIssue({ code: "custom", message: "Accept a risk for at most a year, then review it again", path: ["until"] });
  });
export type AcceptRiskValues = z.output<typeof acceptRiskSchema>;
