"use client";
import Link from "next/link";
import { useEffect, useState } from "react";
import { scanLeakedTextAction, type LeakMatch } from "@/lib/actions/review/scan-leaked-text";
import { relativeTime } from "./_components/format";
import { RevokeKeyButton } from "./_components/revoke-key-dialog";
import { RotateKeyButton } from "./_components/rotate-key-dialog";

type Lookup = { state: "loading" } | { state: "found"; match: LeakMatch } | { state: "foreign" } | { state: "error"; message: string };

/**
 * A secret pasted into the keys search: looked up by hash on the server (a POST, never a URL) and shown in
 * place with Revoke and Rotate, so a leak is contained from where a team lead first pastes it.
 */
export function LeakedSecretLookup({ secret, canRevoke }: { secret: string; canRevoke: boolean }) {
  const [lookup, setLookup] = useState<Lookup>({ state: "loading" });
  const [revoked, setRevoked] = useState(false);

  useEffect(() => {
    // The parent keys this component by the secret, so a new paste starts from "loading" again.
    let current = true;
    void scanLeakedTextAction({ text: secret }).then((result) => {
      if (!current) return;
      if (!result.ok) setLookup({ state: "error", message: result.error });
      else if (result.data.matches[0]) setLookup({ state: "found", match: result.data.matches[0] });
      else setLookup({ state: "foreign" });
    });
    return () => {
      current = false;
    };
  }, [secret]);

  return (
    <section aria-live="polite" aria-label="Pasted secret" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm">
      {lookup.state === "loading" && <p className="text-slate-700">Looking up the pasted secret…</p>}
      {lookup.state === "error" && <p className="text-red-800">{lookup.message}</p>}
      {lookup.state === "foreign" && (
        <p className="text-slate-800">
          <strong>Not a key of this organization.</strong> The text is a valid Keyward secret, but no key here has it.
        </p>
      )}
      {lookup.state === "found" && (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <p className="text-slate-800">
            This is the {lookup.match.secretIsCurrent ? "secret" : "old (rotated-out) secret"} of{" "}
            <Link href={`/keys/${lookup.match.keyId}`} className="font-semibold text-indigo-700 underline">
              {lookup.match.name}
            </Link>{" "}
            ({revoked ? "revoked just now" : lookup.match.status}
            {lookup.match.lastUsedAt
              ? `, last used ${relativeTime(lookup.match.lastUsedAt, new Date())}${lookup.match.lastUsedIp ? ` from ${lookup.match.lastUsedIp}` : ""}`
              : ", never used"}
            ).
          </p>
          {canRevoke && !revoked && lookup.match.status !== "revoked" && (
            <div className="flex shrink-0 gap-2">
              <RotateKeyButton keyId={lookup.match.keyId} keyName={lookup.match.name} leaked />
              <RevokeKeyButton keyId={lookup.match.keyId} keyName={lookup.match.name} leaked onRevoked={() => setRevoked(true)} />
            </div>
          )}
        </div>
      )}
    </section>
  );
}
