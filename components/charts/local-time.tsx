"use client";
import { formatDateTime } from "./time-format";
import { useIsClient } from "./use-is-client";

/** A stored UTC instant shown in the viewer's time zone; the server render shows UTC until hydration. */
export function LocalTime({ iso, className }: { iso: string; className?: string }) {
  const isClient = useIsClient();
  return (
    <time dateTime={iso} className={className} title={iso}>
      {isClient ? formatDateTime(iso) : `${iso.slice(0, 16).replace("T", " ")} UTC`}
    </time>
  );
}
