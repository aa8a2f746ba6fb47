// Rate limits, tiers and quotas as keys, tiers, the API, the CLI and the forms receive them.
import { z } from "zod";
import { text } from "./text";
import {
  formatDuration,
  MAX_DURATION_MS,
  MAX_LIMIT,
  MAX_RATE_LIMITS,
  MIN_DURATION_MS,
  parseDuration,
  RATE_LIMIT_NAME_PATTERN,
  REFILL_INTERVALS,
} from "../ratelimits/policy";

const NAME_RULE = "lowercase letters, digits and - _ : . (at most 32, starting with a letter or digit)";

export const rateLimitNameSchema = text({ error: "Name the limit" })
  .trim()
  .toLowerCase()
  .min(1, { error: "Name the limit", abort: true })
  .max(32, { error: "Keep the name to 32 characters or fewer", abort: true })
  .regex(RATE_LIMIT_NAME_PATTERN, `Limit names use ${NAME_RULE}`);

const countSchema = (what: string) =>
  z
    .number({ error: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .min(0, `${what} can't be negative`)
    .max(MAX_LIMIT, `${what} is at most ${MAX_LIMIT.toLocaleString("en")}`);

/** ms, or text such as "10s", "1m", "1h", "1d"; from 1 second to 1 day. */
export const durationSchema = z.preprocess(
  (value) => (typeof value === "string" ? (parseDuration(value) ?? value) : value),
  z
    .number({ error: 'The duration is a number of ms or text such as "10s", "1m", "1h", "1d"' })
    .int("The duration must be a whole number of ms")
    .min(MIN_DURATION_MS, `The duration is at least ${formatDuration(MIN_DURATION_MS)}`)
    .max(MAX_DURATION_MS, `The duration is at most ${formatDuration(MAX_DURATION_MS)}`),
);

const LIMIT_LINE_HINT = "Write each limit as name=limit/duration, e.g. api=1000/10s";

export const rateLimitSchema = z.object(
  {
    name: rateLimitNameSchema,
    limit: countSchema("The limit").min(1, "The limit is at least 1"),
    duration: durationSchema,
  },
  { error: LIMIT_LINE_HINT },
);

/** "api=1000/10s" → { name, limit, duration }; anything else stays text, which rateLimitSchema refuses. */
export function parseRateLimitLine(line: string): unknown {
  const match = /^\s*([^=\s]+)\s*=\s*(\d+)\s*\/\s*(\S+)\s*$/.exec(line);
  return match ? { name: match[1], limit: Number(match[2]), duration: match[3] } : line;
}

/**
 * A list of { name, limit, duration }, or (from a form) one text with a limit per line as name=limit/duration.
 * Names unique; stored as JSON text.
 */
export const rateLimitsSchema = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .split("\n")
          .filter((line) => line.trim() !== "")
          .map(parseRateLimitLine)
      : value,
  z
    .array(rateLimitSchema, { error: "Rate limits must be a list" })
    .max(MAX_RATE_LIMITS, `At most ${MAX_RATE_LIMITS} rate limits`)
    .superRefine((limits, ctx) => {
      const seen = new Set<string>();
      limits.forEach((limit, index) => {
        if (seen.has(limit.name)) ctx.addIssue({ code: "custom", message: `"${limit.name}" is listed twice`, path: [index, "name"] });
        seen.add(limit.name);
      });
    }),
);

// A form sends numbers as text: "" is none, digits are the number, anything else stays text and is refused.
const formNumber = (value: unknown) => (typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value);

/** Credits; null means unlimited ("" from a form). */
export const quotaSchema = z.preprocess(
  (value) => (typeof value === "string" && value.trim() === "" ? null : formNumber(value)),
  countSchema("The quota").nullable(),
);

/** Refill daily or monthly, to `amount` (default: the quota); null (or, from a form, interval "") never refills. */
export const refillSchema = z.preprocess(
  (value) => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
    const { interval, amount } = value as { interval?: unknown; amount?: unknown };
    if (interval === "" || interval === "none") return null;
    return { interval, amount: typeof amount === "string" && amount.trim() === "" ? undefined : formNumber(amount) };
  },
  z
    .object({
      interval: z.enum(REFILL_INTERVALS, { error: 'Refill "daily" or "monthly"' }),
      amount: countSchema("The refill amount").optional(),
    })
    .nullable(),
);

export const tierNameSchema = text({ error: "The tier must be text" })
  .trim()
  .toLowerCase()
  .max(32, { error: "Keep the tier's name to 32 characters or fewer", abort: true })
  .refine((name) => name === "" || RATE_LIMIT_NAME_PATTERN.test(name), `Tier names use ${NAME_RULE}`);

/** A tier: a named set of limits and an optional quota with refill. */
export const tierSchema = z
  .object({
    name: tierNameSchema.refine((name) => name !== "", "Name the tier"),
    rateLimits: rateLimitsSchema.default([]),
    quota: quotaSchema.default(null),
    refill: refillSchema.default(null),
  })
  .superRefine((tier, ctx) => {
    if (tier.refill && tier.quota === null) ctx.addIssue({ code: "custom", message: "A refill needs a quota", path: ["refill"] });
  });
export type TierValues = z.output<typeof tierSchema>;
