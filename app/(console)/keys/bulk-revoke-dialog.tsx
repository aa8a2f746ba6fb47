"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { bulkRevokeKeysAction } from "@/lib/actions/keys/bulk-revoke-keys";
import type { RevokeOutcome } from "@/lib/api-keys/revoke-key";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import type { ActionResult } from "@/lib/actions/errors";
import { bulkPhraseMatches, bulkRevokePhrase, bulkRevokeSchema, REASON_MAX } from "@/lib/validations/key";
import { useStepUp } from "@/components/step-up/step-up-provider";

type Target = { id: string; name: string };
type FormValues = { keyIds: string[]; confirmation: string; reason?: string };

const OUTCOME_LABELS: Record<RevokeOutcome, string> = { revoked: "Revoked", already_revoked: "Already revoked", not_found: "Not found" };

type BulkAction = (values: FormValues) => Promise<ActionResult<{ keyId: string; outcome: RevokeOutcome }[]>>;

/**
 * Bulk revoke as a hook: confirmation by typing "revoke N keys" (the button stays disabled until it matches),
 * then the outcome for each key. The review's leak scan passes its own action, behind the same gate.
 */
export function useBulkRevokeModal(onDone: () => void, action: BulkAction = bulkRevokeKeysAction, defaultReason = "") {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [targets, setTargets] = useState<Target[] | null>(null);
  const [results, setResults] = useState<{ keyId: string; outcome: RevokeOutcome }[] | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<FormValues>({ resolver: zodResolver(bulkRevokeSchema), mode: "onSubmit" });
  const { errors, isSubmitting } = form.formState;
  const phrase = bulkRevokePhrase(targets?.length ?? 0);
  const typed = useWatch({ control: form.control, name: "confirmation" }) ?? "";
  const resultsRef = useRef<HTMLUListElement>(null);
  // After a submit the form is replaced by the results: focus goes to them, not to the document body.
  useEffect(() => {
    if (results) resultsRef.current?.focus();
  }, [results]);

  const open = (keys: Target[]) => {
    form.reset({ keyIds: keys.map((k) => k.id), confirmation: "", reason: defaultReason });
    setResults(null);
    setFormError(null);
    setTargets(keys);
  };
  const close = () => {
    setTargets(null);
    if (results) {
      onDone();
      router.refresh();
    }
  };
  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await withStepUp(() => action(values));
    if (result.ok) return setResults(result.data);
    setFormError(applyActionErrors(result, form.setError));
    if (result.fieldErrors?.confirmation) form.setFocus("confirmation");
  });
  const nameOf = (id: string) => targets?.find((t) => t.id === id)?.name ?? id;

  const element = (
    <Dialog open={targets !== null} onOpenChange={(isOpen) => !isOpen && close()}>
      {targets && (
        <DialogContent
          title={results ? "Revoke results" : `Revoke ${targets.length} ${targets.length === 1 ? "key" : "keys"}?`}
          description={
            results ? "What happened to each selected key." : "Revoking is permanent: calls with these keys' secrets are refused at once."
          }
        >
          {results ? (
            <div className="space-y-4">
              <ul
                ref={resultsRef}
                tabIndex={-1}
                aria-label="Revoke results"
                className="divide-y divide-slate-100 text-sm focus:outline-none"
                data-testid="bulk-revoke-results"
              >
                {results.map((r) => (
                  <li key={r.keyId} className="flex justify-between gap-3 py-1.5">
                    <span className="truncate">{nameOf(r.keyId)}</span>
                    <span className={r.outcome === "revoked" ? "text-emerald-700" : "text-slate-600"}>{OUTCOME_LABELS[r.outcome]}</span>
                  </li>
                ))}
              </ul>
              <div className="flex justify-end">
                <Button onClick={close}>Close</Button>
              </div>
            </div>
          ) : (
            <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
              <FormAlert message={formError} />
              <ul className="max-h-40 list-disc overflow-y-auto pl-5 text-sm text-slate-700">
                {targets.map((t) => (
                  <li key={t.id}>{t.name}</li>
                ))}
              </ul>
              <Field
                id="bulk-confirmation"
                label={
                  <>
                    Type <span className="font-mono">{phrase}</span> to confirm
                  </>
                }
                error={errors.confirmation?.message}
              >
                <input
                  id="bulk-confirmation"
                  autoComplete="off"
                  maxLength={40}
                  className={inputClass(!!errors.confirmation)}
                  aria-invalid={!!errors.confirmation}
                  aria-describedby={describedBy("bulk-confirmation", errors.confirmation?.message)}
                  {...form.register("confirmation")}
                />
              </Field>
              <Field id="bulk-reason" label="Reason (optional)" error={errors.reason?.message}>
                <input id="bulk-reason" maxLength={REASON_MAX} className={inputClass(!!errors.reason)} {...form.register("reason")} />
              </Field>
              <div className="flex justify-end gap-2">
                <Button variant="secondary" onClick={close}>
                  Cancel
                </Button>
                <Button type="submit" variant="danger" disabled={isSubmitting || !bulkPhraseMatches(typed, targets.length)}>
                  {isSubmitting ? "Revoking…" : phrase.replace(/^r/, "R")}
                </Button>
              </div>
            </form>
          )}
        </DialogContent>
      )}
    </Dialog>
  );
  return { open, element };
}
