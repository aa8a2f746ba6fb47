"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { LocalTime } from "@/components/charts/local-time";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { revokeLeakedKeysAction } from "@/lib/actions/review/revoke-leaked-keys";
import { scanLeakedTextAction, type LeakMatch } from "@/lib/actions/review/scan-leaked-text";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { RevokeKeyButton } from "./revoke-key-dialog";
import { useBulkRevokeModal } from "../bulk-revoke-dialog";
import { LEAK_TEXT_MAX, scanLeakedTextSchema, type ScanLeakedTextInput } from "@/lib/validations/review";

interface Scan {
  matches: LeakMatch[];
  unknownCount: number;
}

/** Paste text → the keys whose secrets are in it → revoke them in one confirmed step. */
export function LeakScanForm({ canRevoke }: { canRevoke: boolean }) {
  const router = useRouter();
  const [scan, setScan] = useState<Scan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [revoked, setRevoked] = useState<string[] | null>(null);
  const form = useForm<ScanLeakedTextInput>({ resolver: zodResolver(scanLeakedTextSchema), defaultValues: { text: "" } });
  const { errors, isSubmitting } = form.formState;

  const onScan = form.handleSubmit(async (values) => {
    setError(null);
    setRevoked(null);
    const result = await scanLeakedTextAction(values);
    if (result.ok) return setScan(result.data);
    setScan(null);
    setError(applyActionErrors(result, form.setError));
  });

  const revocable = scan?.matches.filter((m) => m.status !== "revoked") ?? [];
  // The pasted text held live secrets: drop it from the page once they are dealt with.
  const done = (names: string[]) => {
    setRevoked(names);
    setScan(null);
    form.reset({ text: "" });
    router.refresh();
  };
  // Several keys: the bulk gate ("revoke 2 keys"); one key: the single-key gate with its name typed.
  const bulk = useBulkRevokeModal(() => done(revocable.map((m) => m.name)), revokeLeakedKeysAction, "Secret found in pasted text (leak)");

  return (
    <div className="space-y-4">
      <form method="post" onSubmit={onScan} noValidate className="space-y-3">
        {error && <FormAlert message={error} />}
        <Field
          id="leak-text"
          label="Text that may contain a secret"
          hint="A log line, a chat message, a config file… It is checked in memory and never stored or logged."
          error={errors.text?.message}
        >
          <textarea
            id="leak-text"
            rows={5}
            maxLength={LEAK_TEXT_MAX}
            autoComplete="off"
            spellCheck={false}
            className={inputClass(!!errors.text, "font-mono text-xs")}
            aria-invalid={!!errors.text}
            aria-describedby={describedBy("leak-text", errors.text?.message, true)}
            {...form.register("text")}
          />
        </Field>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Scanning…" : "Find keys"}
        </Button>
      </form>

      {revoked && (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {revoked.length === 0
            ? "Nothing needed revoking."
            : `Revoked ${revoked.join(", ")}. Requests with ${revoked.length === 1 ? "its secret" : "their secrets"} now fail.`}
        </p>
      )}

      {scan && (
        <div role="status" aria-live="polite" className="space-y-3" data-testid="leak-results">
          {scan.matches.length === 0 && scan.unknownCount === 0 && (
            <p className="text-sm text-slate-700">No Keyward secret found in the text.</p>
          )}
          {scan.matches.length > 0 && (
            <ul className="divide-y divide-slate-100 rounded-md border border-slate-200">
              {scan.matches.map((m) => (
                <li key={m.keyId} className="flex flex-wrap items-center justify-between gap-2 px-3 py-2 text-sm">
                  <div className="min-w-0">
                    <p className="font-medium">{m.name}</p>
                    <p className="font-mono text-xs text-slate-600">
                      {m.secretDisplay}
                      {!m.secretIsCurrent && " (previous secret, in its rotation grace period)"}
                    </p>
                  </div>
                  <div className="text-right text-xs text-slate-600">
                    <p className={m.status === "revoked" ? "font-medium text-slate-500" : "font-medium text-red-700"}>
                      {m.status === "revoked" ? "Already revoked" : m.status === "expired" ? "Expired" : "Active"}
                    </p>
                    <p>
                      Last used: {m.lastUsedAt ? <LocalTime iso={m.lastUsedAt} /> : "never"}
                      {m.lastUsedIp && (
                        <>
                          {" "}
                          from <span className="font-mono">{m.lastUsedIp}</span>
                        </>
                      )}
                    </p>
                  </div>
                </li>
              ))}
            </ul>
          )}
          {scan.unknownCount > 0 && (
            <p className="text-sm text-slate-700">
              {scan.unknownCount === 1 ? "1 secret in the text is" : `${scan.unknownCount} secrets in the text are`} not a key of this
              organization.
            </p>
          )}
          {revocable.length > 0 &&
            (canRevoke ? (
              revocable.length === 1 ? (
                <RevokeKeyButton
                  keyId={revocable[0].keyId}
                  keyName={revocable[0].name}
                  leaked
                  defaultReason="Secret found in pasted text (leak)"
                  onRevoked={() => done([revocable[0].name])}
                />
              ) : (
                <Button variant="danger" onClick={() => bulk.open(revocable.map((m) => ({ id: m.keyId, name: m.name })))}>
                  Revoke these {revocable.length} keys…
                </Button>
              )
            ) : (
              <p className="text-sm text-slate-600">Ask an admin or a team lead to revoke {revocable.length === 1 ? "it" : "them"}.</p>
            ))}
        </div>
      )}
      {bulk.element}
    </div>
  );
}
