// --rate-limit, --tier, --quota and --refill for keys create / update: parsed into the API's fields here, checked
// (names, 1 s ≤ duration ≤ 1 day, bounds) by the server's schema.
import { CliError, EXIT } from "./errors.mjs";
import { out } from "./format.mjs";

export const RATE_LIMIT_HELP = "name=<limit>/<duration>, e.g. api=1000/10s (duration 1s to 1d: s, m, h, d); repeatable";

/** "api=1000/10s" → { name: "api", limit: 1000, duration: "10s" } */
export function rateLimitInput(text) {
  const match = /^([^=\s]+)=(\d+)\/(\d+(?:ms|s|m|h|d)?)$/.exec(String(text).trim());
  if (!match) throw new CliError(`--rate-limit: expected name=<limit>/<duration> such as api=1000/10s (got ${text})`, EXIT.VALIDATION);
  return { name: match[1], limit: Number(match[2]), duration: match[3] };
}

/** "daily:1000" → { interval: "daily", amount: 1000 }; "monthly" refills to the quota; "none" never refills. */
export function refillInput(text) {
  const value = String(text).trim().toLowerCase();
  if (value === "none") return null;
  const match = /^(daily|monthly)(?::(\d+))?$/.exec(value);
  if (!match) throw new CliError(`--refill: expected daily[:<amount>], monthly[:<amount>] or none (got ${text})`, EXIT.VALIDATION);
  return match[2] === undefined ? { interval: match[1] } : { interval: match[1], amount: Number(match[2]) };
}

function quotaInput(text) {
  const value = String(text).trim().toLowerCase();
  if (value === "none" || value === "unlimited") return null;
  if (!/^\d+$/.test(value)) throw new CliError(`--quota: expected a whole number of credits or "none" (got ${text})`, EXIT.VALIDATION);
  return Number(value);
}

export const QUOTA_HELP = 'credits the key may spend ("none": unlimited); setting it starts the quota afresh';
export const REFILL_HELP = "daily[:<amount>] | monthly[:<amount>] | none (needs a quota; default amount: the quota)";

/** Only the options given. */
export function limitsBody(opts) {
  const body = {};
  if (opts.clearRateLimits) body.rateLimits = [];
  else if (opts.rateLimit !== undefined) body.rateLimits = opts.rateLimit.map(rateLimitInput);
  if (opts.tier !== undefined) body.tier = opts.tier;
  if (opts.quota !== undefined) body.quota = quotaInput(opts.quota);
  if (opts.refill !== undefined) body.refill = refillInput(opts.refill);
  return body;
}

const UNITS = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1000],
];

function durationText(ms) {
  const [unit, size] = UNITS.find(([, size]) => ms % size === 0) ?? ["ms", 1];
  return `${ms / size}${unit}`;
}

export function limitLines(key) {
  if (key.rateLimits?.length)
    out(`  Rate limits: ${key.rateLimits.map((l) => `${l.name}=${l.limit}/${durationText(l.duration)}`).join(", ")}`);
  if (key.tier) out(`  Tier:        ${key.tier}`);
  if (key.quota !== null && key.quota !== undefined)
    out(`  Quota:       ${key.quota}${key.refill ? ` (refills ${key.refill.interval} to ${key.refill.amount})` : ""}`);
}
