// Expiry inputs, from the form and the seed/CLI flags:
//   "30d" | "90d" | "1y"        presets, counted from now ("1y" = same instant next calendar year, UTC)
//   "never"                     no expiry (null)
//   "1".."365"                  a number of days from now (CLI: --expires 90)
//   "YYYY-MM-DD"                00:00:00.000Z at the start of that day (UTC); must be in the future
//   ISO date-time with offset   e.g. "2030-01-31T17:00:00Z" or "…+02:00"; must be in the future
// Every resolved expiry must be after now and at most 5 years ahead.

export const EXPIRY_PRESET_VALUES = ["30d", "90d", "1y", "never"] as const;
export type ExpiryPreset = (typeof EXPIRY_PRESET_VALUES)[number];

export const DEFAULT_EXPIRY_PRESET: ExpiryPreset = "90d";

export interface ExpiryPresetOption {
  value: ExpiryPreset;
  label: string;
  default?: true;
}

export const EXPIRY_PRESETS: readonly ExpiryPresetOption[] = [
  { value: "30d", label: "30 days" },
  { value: "90d", label: "90 days", default: true },
  { value: "1y", label: "1 year" },
  { value: "never", label: "Never" },
];

export const MAX_EXPIRY_YEARS = 5;
export const MAX_EXPIRY_DAYS_NUMBER = 365;
export const EXPIRY_INPUT_MAX_LENGTH = 40;

const DAY_MS = 24 * 60 * 60 * 1000;

export type ExpiryResult = { ok: true; expiresAt: Date | null } | { ok: false; error: string };

export class InvalidExpiryError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = "InvalidExpiryError";
  }
}

function addUtcYears(date: Date, years: number): Date {
  const copy = new Date(date.getTime());
  copy.setUTCFullYear(copy.getUTCFullYear() + years);
  return copy;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

function realCalendarDate(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCFullYear() === Number(year) && date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day);
}

function parseAbsolute(text: string): Date | string {
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const [, year, month, day] = dateOnly;
    if (!realCalendarDate(year, month, day)) return `${text} is not a real calendar date`;
    return new Date(`${text}T00:00:00.000Z`);
  }
  const dateTime = DATE_TIME.exec(text);
  if (dateTime) {
    const [, year, month, day, hour, minute, second = "0", offset] = dateTime;
    if (!realCalendarDate(year, month, day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
      return `${text} is not a real date and time`;
    }
    if (offset.length === 6 && (Number(offset.slice(1, 3)) > 23 || Number(offset.slice(4)) > 59)) {
      return `${text} has an invalid time zone offset`;
    }
    return new Date(text);
  }
  if (LOCAL_DATE_TIME.test(text)) {
    return `Add a time zone to ${text}, e.g. ${text.replace(" ", "T")}Z for UTC`;
  }
  return `"${text}" is not a valid expiry; use 30d, 90d, 1y, never, a number of days (1–365), YYYY-MM-DD or an ISO date-time`;
}

/** Resolves an expiry input against `now`. Never throws. */
export function parseExpiry(input: unknown, now: Date): ExpiryResult {
  if (typeof input !== "string") return { ok: false, error: "Choose when the key expires" };
  const text = input.trim();
  if (text === "") return { ok: false, error: "Choose when the key expires" };
  if (text.length > EXPIRY_INPUT_MAX_LENGTH) return { ok: false, error: "That expiry is too long to be a date" };

  const preset = text.toLowerCase();
  if (preset === "never") return { ok: true, expiresAt: null };
  if (preset === "30d") return { ok: true, expiresAt: new Date(now.getTime() + 30 * DAY_MS) };
  if (preset === "90d") return { ok: true, expiresAt: new Date(now.getTime() + 90 * DAY_MS) };
  if (preset === "1y") return { ok: true, expiresAt: addUtcYears(now, 1) };

  if (/^\d+$/.test(text)) {
    const days = Number(text);
    if (days < 1 || days > MAX_EXPIRY_DAYS_NUMBER || text.startsWith("0")) {
      return { ok: false, error: `A number of days must be between 1 and ${MAX_EXPIRY_DAYS_NUMBER}` };
    }
    return { ok: true, expiresAt: new Date(now.getTime() + days * DAY_MS) };
  }

  return checkAbsolute(text, now);
}

function checkAbsolute(text: string, now: Date, echoTime = true): ExpiryResult {
  const absolute = parseAbsolute(text);
  if (typeof absolute === "string") return { ok: false, error: absolute };
  if (absolute.getTime() <= now.getTime()) {
    if (DATE_ONLY.test(text))
      return { ok: false, error: `${text} (00:00 UTC at the start of that day) is not in the future; pick a later date` };
    // The console's date field sends an ISO instant in UTC: echoed back, it would not read as the time the person picked.
    return {
      ok: false,
      error: echoTime ? `${text} is not in the future; pick a later date` : "That date and time is not in the future; pick a later one",
    };
  }
  if (absolute.getTime() > addUtcYears(now, MAX_EXPIRY_YEARS).getTime()) {
    return { ok: false, error: `The expiry can be at most ${MAX_EXPIRY_YEARS} years from now` };
  }
  return { ok: true, expiresAt: absolute };
}

/** The form's custom date field: only YYYY-MM-DD or an ISO date-time with a time zone. */
export function parseCustomExpiry(input: unknown, now: Date): ExpiryResult {
  if (typeof input !== "string" || input.trim() === "") return { ok: false, error: "Pick a date and time" };
  const text = input.trim();
  if (text.length > EXPIRY_INPUT_MAX_LENGTH) return { ok: false, error: "That is too long to be a date" };
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) {
    return { ok: false, error: "Enter a date such as 2030-01-31 or 2030-01-31T17:00:00Z" };
  }
  return checkAbsolute(text, now, false);
}

/** Like parseExpiry, but returns the Date (null = never) and throws InvalidExpiryError on bad input. */
export function resolveExpiry(input: string, now: Date): Date | null {
  const result = parseExpiry(input, now);
  if (!result.ok) throw new InvalidExpiryError(result.error);
  return result.expiresAt;
}
