import { LocalTime } from "@/components/charts/local-time";
import type { KeyLimitState } from "@/lib/queries/key-limits";

/** The key's limits with what is left in the current window, and its quota: as counted by every instance. */
export function KeyLimits({ state, tier }: { state: KeyLimitState | null; tier: string | null }) {
  if (!state) return <p className="text-sm text-slate-700">{tier ? `Tier ${tier}: no limits.` : "Unlimited: no rate limit, no quota."}</p>;
  return (
    <div className="space-y-3 text-sm" data-testid="key-limits">
      {tier && <p className="text-slate-700">Tier: {tier}</p>}
      {state.rateLimits.length > 0 && (
        <ul className="divide-y divide-slate-100">
          {state.rateLimits.map((l) => (
            <li key={l.name} className="flex flex-wrap items-baseline justify-between gap-2 py-2">
              <span>
                <span className="font-mono">{l.name}</span>: {l.limit.toLocaleString("en")} per {l.duration}
                {l.fromTier && <span className="text-slate-500"> (from the tier)</span>}
              </span>
              <span className="text-slate-700">
                {l.remaining.toLocaleString("en")} left in this window
                <span className="block text-xs text-slate-500">
                  {l.used.toLocaleString("en")} used · resets <LocalTime iso={l.resetsAt} />
                </span>
              </span>
            </li>
          ))}
        </ul>
      )}
      {state.quota && (
        <p className="text-slate-700">
          Quota: <strong>{state.quota.remaining.toLocaleString("en")}</strong> of {state.quota.allowance.toLocaleString("en")} credits left
          {state.quota.refillsAt ? (
            <span className="block text-xs text-slate-500">
              refills <LocalTime iso={state.quota.refillsAt} />
            </span>
          ) : (
            <span className="block text-xs text-slate-500">never refills</span>
          )}
        </p>
      )}
      <p className="text-xs text-slate-500">Counted across every instance; up to a fraction of a second behind.</p>
    </div>
  );
}
