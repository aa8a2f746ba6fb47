import { format, formatDistanceStrict } from "date-fns";

const DAY_MS = 24 * 60 * 60 * 1000;

/** "in 84 days", "3 hours ago", or the fallback ("never") when there is no date. */
export function relativeTime(iso: string | null, now: Date, fallback = "never"): string {
  if (!iso) return fallback;
  const date = new Date(iso);
  const gap = Math.abs(date.getTime() - now.getTime());
  if (gap < 60_000) return "just now";
  // Days up to a year ("in 84 days"), which reads better for expiry than "in 2 months".
  const unit = gap >= DAY_MS && gap < 365 * DAY_MS ? ("day" as const) : undefined;
  const distance = formatDistanceStrict(date, now, { roundingMethod: "floor", unit });
  return date.getTime() > now.getTime() ? `in ${distance}` : `${distance} ago`;
}

/** An exact timestamp for titles and the detail page, in the viewer's time zone. */
export function exactTime(iso: string | null): string {
  return iso ? format(new Date(iso), "yyyy-MM-dd HH:mm") : "—";
}
