"use client";
import { Fragment, type ReactNode } from "react";
import { LocalTime } from "@/components/charts/local-time";
import type { EditImpact } from "@/lib/queries/edit-impact";

export type ImpactState = EditImpact | "loading" | "unavailable";

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;

/** True when the recorded traffic says the change would refuse something. */
export function impactBreaks(impact: ImpactState): boolean {
  return typeof impact === "object" && ((impact.addresses?.count ?? 0) > 0 || (impact.scopes?.length ?? 0) > 0);
}

/** What the key's recorded traffic says the change would refuse, computed on the server when the dialog opens. */
export function EditImpactSummary({ impact }: { impact: ImpactState }) {
  return (
    <section
      aria-label="Impact on recorded traffic"
      aria-live="polite"
      className="mt-4 rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200"
      data-testid="edit-impact"
    >
      {impact === "loading" && <p className="text-slate-600">Checking the last 30 days of traffic…</p>}
      {impact === "unavailable" && <p className="text-slate-600">The recorded traffic could not be checked.</p>}
      {typeof impact === "object" && <ImpactLines impact={impact} />}
    </section>
  );
}

const Code = ({ children }: { children: ReactNode }) => <code className="font-mono text-[0.8125rem]">{children}</code>;

function ImpactLines({ impact }: { impact: EditImpact }) {
  const window = `the last ${count(impact.days, "day")}`;
  const lines: { id: string; text: ReactNode }[] = [];
  if (impact.addresses && impact.addresses.count > 0) {
    const { count: n, top } = impact.addresses;
    lines.push({
      id: "addresses",
      text: (
        <>
          {count(n, "client address", "client addresses")} (
          {top.map((a, i) => (
            <Fragment key={a.ip}>
              {i > 0 && ", "}
              <Code>{a.ip}</Code> — {count(a.requests, "request")}
            </Fragment>
          ))}
          {n > top.length ? ", …" : ""}) {n === 1 ? "is" : "are"} outside the new ranges
        </>
      ),
    });
  }
  for (const s of impact.scopes ?? []) {
    lines.push({
      id: `${s.action} ${s.resourceFilter}`,
      text: (
        <>
          {count(s.requests, "request")} for <Code>{s.action}</Code> on{" "}
          {s.resourceFilter ? <Code>{s.resourceFilter}</Code> : "all resources"} {s.requests === 1 ? "is" : "are"} no longer covered
        </>
      ),
    });
  }
  return (
    <>
      <p className="font-medium text-slate-900">What {window} of real traffic say</p>
      {lines.length > 0 ? (
        <ul className="mt-1 list-disc space-y-1 pl-5 text-red-800">
          {lines.map((line) => (
            <li key={line.id}>{line.text}</li>
          ))}
        </ul>
      ) : (
        <p className="mt-1 text-slate-700">
          {impact.requests === 0
            ? `No allowed requests were recorded in ${window}, so none would have been refused.`
            : `${count(impact.requests, "allowed request")} in ${window}: none would have been refused.`}
        </p>
      )}
      {impact.truncatedByRetention && (
        <p className="mt-2 text-xs text-slate-600">
          Raw usage is kept for {count(impact.days, "day")} here (KEYWARD_USAGE_RETENTION_DAYS), so older traffic is not counted.
        </p>
      )}
      {impact.sampled && impact.sampledSince && (
        <p className="mt-2 text-xs text-slate-600">
          Based on the newest {count(impact.requests, "allowed request")}, since <LocalTime iso={impact.sampledSince} />.
        </p>
      )}
    </>
  );
}
