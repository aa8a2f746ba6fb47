import { format, formatDistanceStrict } from "date-fns";

// The one date/time presentation of the console: relative text ("in 90 days", "3 min ago") with the exact
// local time ("2026-12-01 17:43") in a title, and that exact format wherever a date is shown on its own.
// Formatting of stored UTC instants in the viewer's time zone (the browser's default zone and locale).
// Only call from client components after hydration (see useIsClient).

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

/** "in 90 days", "3 hours ago", or the fallback ("never") when there is no date. */
export function relativeTime(iso: string | null, now: Date, fallback = "never"): string {
  if (!iso) return fallback;
  const date = new Date(iso);
  const gap = Math.abs(date.getTime() - now.getTime());
  if (gap < 60_000) return "just now";
  // Days up to a year ("in 84 days"), which reads better for expiry than "in 2 months"; rounded, so a key
  // created a moment ago with a 90-day lifetime says "in 90 days", not 89.
  const days = gap >= DAY_MS && gap < 365 * DAY_MS;
  const distance = formatDistanceStrict(date, now, days ? { roundingMethod: "round", unit: "day" } : { roundingMethod: "floor" });
  return date.getTime() > now.getTime() ? `in ${distance}` : `${distance} ago`;
}

/** The exact timestamp, in the time zone of whoever runs it (the viewer's, in a client component). */
export function exactTime(iso: string | null): string {
  return iso ? format(new Date(iso), "yyyy-MM-dd HH:mm") : "—";
}

const dayFormat = () => new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const timeFormat = () => new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = () => new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
export function viewerTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** A short axis label for a bucket starting at `iso`. */
export function formatBucketTick(iso: string, bucketHours: number, spanHours: number): string {
  const date = new Date(iso);
  if (bucketHours >= 24) return dayFormat().format(date);
  if (spanHours <= 24) return timeFormat().format(date);
  return dateTimeFormat().format(date);
}

/** "Mar 3, 14:00 – 15:00" or "Mar 3, 14:00 – Mar 4, 14:00". */
export function formatSpan(startIso: string, endIso: string): string {
  const start = new Date(startIso);
  const end = new Date(endIso);
  const sameDay = start.toDateString() === new Date(end.getTime() - 1).toDateString() && end.getTime() - start.getTime() <= 24 * HOUR_MS;
  return sameDay
    ? `${dateTimeFormat().format(start)} – ${timeFormat().format(end)}`
    : `${dateTimeFormat().format(start)} – ${dateTimeFormat().format(end)}`;
}

/** Exact with seconds, for events (the audit log). */
export function formatDateTime(iso: string): string {
  return format(new Date(iso), "yyyy-MM-dd HH:mm:ss");
}

/** Value for <input type="datetime-local"> in the viewer's zone. */
export function toLocalInputValue(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local / date input value, read in the viewer's zone, as a UTC ISO instant; null if invalid. */
export function fromLocalInputValue(value: string): string | null {
  if (!value) return null;
  const date = new Date(value.length === 10 ? `${value}T00:00` : value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export const formatCount = (n: number) => n.toLocaleString("en-US");
