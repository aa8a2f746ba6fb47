"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { RelativeTime } from "@/components/charts/local-time";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { endOtherSessionsAction } from "@/lib/actions/account/end-other-sessions";
import { endSessionAction } from "@/lib/actions/account/end-session";
import type { ActiveSession } from "@/lib/auth/session-list";

/** The member's active sessions: device, address, last seen; each other one can be signed out, or all at once. */
export function SessionsList({ sessions }: { sessions: ActiveSession[] }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const others = sessions.filter((s) => !s.current).length;

  const run = (call: () => Promise<{ ok: true; data: { ended: number } } | { ok: false; error: string }>) => {
    setError(null);
    startTransition(async () => {
      const result = await call();
      if (!result.ok) setError(result.error);
      else toast.success(result.data.ended === 1 ? "1 session signed out" : `${result.data.ended} sessions signed out`);
      router.refresh();
    });
  };

  return (
    <div className="mt-3 space-y-3">
      <FormAlert message={error} />
      <ul className="divide-y divide-slate-100 text-sm" aria-label="Active sessions">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between" data-testid="session-row">
            <div className="min-w-0 flex-1">
              <p className="flex flex-wrap items-center gap-2 font-medium text-slate-900">
                <span title={s.userAgent ?? undefined}>{s.device}</span>
                {s.current && <Badge tone="indigo">This session</Badge>}
              </p>
              <p className="text-slate-600">
                {s.ip ? <span className="font-mono">{s.ip}</span> : "Unknown address"} · last seen <RelativeTime iso={s.lastSeenAt} /> ·
                signed in <RelativeTime iso={s.createdAt} />
              </p>
            </div>
            {!s.current && (
              <Button
                variant="secondary"
                className="shrink-0 self-start sm:self-center"
                disabled={pending}
                onClick={() => run(() => endSessionAction({ sessionId: s.id }))}
                aria-label={`Sign out ${s.device}${s.ip ? ` at ${s.ip}` : ""}`}
              >
                Sign out
              </Button>
            )}
          </li>
        ))}
      </ul>
      {others > 0 ? (
        <Button variant="danger" disabled={pending} onClick={() => run(() => endOtherSessionsAction({}))}>
          Sign out everywhere else
        </Button>
      ) : (
        <p className="text-sm text-slate-600">No other sessions: you are signed in only here.</p>
      )}
    </div>
  );
}
