"use client";
import { formatDateTime, relativeTime, exactTime, viewerTimeZone } from "./time-format";
import { useIsClient } from "./use-is-client";

const utc = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

/** A stored UTC instant shown in the viewer's time zone; the server render shows UTC until hydration. */
export function LocalTime({ iso, className, seconds = false }: { iso: string; className?: string; seconds?: boolean }) {
  const isClient = useIsClient();
  return (
    <time dateTime={iso} className={className} title={isClient ? `${formatDateTime(iso)} (${viewerTimeZone()})` : iso}>
      {isClient ? (seconds ? formatDateTime(iso) : exactTime(iso)) : utc(iso)}
    </time>
  );
}

/** "3 min ago" / "in 90 days", with the exact local time in the title (and in the server render). */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const isClient = useIsClient();
  return (
    <time dateTime={iso} className={className} title={isClient ? `${formatDateTime(iso)} (${viewerTimeZone()})` : iso}>
      {isClient ? relativeTime(iso, new Date()) : utc(iso)}
    </time>
  );
}
