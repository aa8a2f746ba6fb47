// Formatting of stored UTC instants in the viewer's time zone (the browser's default zone and locale).
// Only call from client components after hydration (see useIsClient).

const HOUR_MS = 60 * 60 * 1000;

const dayFormat = () => new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const timeFormat = () => new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = () => new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const fullFormat = () =>
  new Intl.DateTimeFormat(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });

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

export function formatDateTime(iso: string): string {
  return fullFormat().format(new Date(iso));
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
