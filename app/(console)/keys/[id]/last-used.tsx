"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { exactTime, relativeTime } from "../_components/format";

export interface LastUse {
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  lastUsedUserAgent: string | null;
}

/** Last use, polled while the page is open so a key under investigation shows calls as they arrive. */
export function LastUsed({ keyId, initial, now }: { keyId: string; initial: LastUse; now: string }) {
  const [renderedAt] = useState(() => new Date(now));
  const { data } = useQuery({
    queryKey: ["key-last-used", keyId],
    queryFn: async (): Promise<LastUse> => {
      const response = await fetch(`/keys/${keyId}/activity`, { cache: "no-store" });
      if (!response.ok) throw new Error(`last use: HTTP ${response.status}`);
      return response.json();
    },
    initialData: initial,
    refetchInterval: 15_000,
  });
  const fresh = data.lastUsedAt !== initial.lastUsedAt;
  return (
    <>
      <dt className="text-slate-500">Last used</dt>
      <dd>
        <span title={exactTime(data.lastUsedAt)}>{relativeTime(data.lastUsedAt, fresh ? new Date() : renderedAt)}</span>
        {data.lastUsedAt && (
          <span className="block text-xs text-slate-500">
            from <span className="font-mono">{data.lastUsedIp ?? "unknown address"}</span>
            {data.lastUsedUserAgent && (
              <>
                {" "}
                · <span className="break-all">{data.lastUsedUserAgent}</span>
              </>
            )}
          </span>
        )}
      </dd>
    </>
  );
}
