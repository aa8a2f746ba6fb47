"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { acceptRiskAction } from "@/lib/actions/review/accept-risk";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { acceptRiskSchema, JUSTIFICATION_MAX, type RiskCode } from "@/lib/validations/review";

type FormValues = { keyId: string; code: RiskCode; justification: string; until: string };

/** A local calendar day as YYYY-MM-DD, for the date input's bounds. */
function day(offsetDays: number): string {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/**
 * Accept one finding on one key until an end date, with the reason: the finding leaves the review until then and
 * the acceptance is in the audit log (a break-glass key that must never expire, say).
 */
export function AcceptRiskButton({ keyId, keyName, code, label }: { keyId: string; keyName: string; code: RiskCode; label: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [accepted, setAccepted] = useState(false);
  const form = useForm<FormValues>({ resolver: zodResolver(acceptRiskSchema) });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await acceptRiskAction(values);
    if (result.ok) {
      setAccepted(true);
      setOpen(false);
      router.refresh();
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
    const field = (["justification", "until"] as const).find((name) => result.fieldErrors?.[name]);
    if (field) form.setFocus(field);
  });

  return (
    <>
      <button
        type="button"
        className="ml-2 rounded text-xs font-medium text-indigo-700 underline hover:text-indigo-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
        onClick={() => {
          form.reset({ keyId, code, justification: "", until: day(90) });
          setFormError(null);
          setAccepted(false);
          setOpen(true);
        }}
      >
        Accept risk…
        <span className="sr-only">
          {" "}
          {label} on {keyName}
        </span>
      </button>
      <Dialog open={open} onOpenChange={setOpen}>
        {/* Not conditional on `open`: the closing render must carry onCloseAutoFocus with the outcome. */}
        <DialogContent
          title="Accept this risk?"
          description={
            <>
              “{label}” on <strong>{keyName}</strong> leaves the review until the end date, then comes back. The acceptance, with your
              justification, is recorded in the audit log.
            </>
          }
          onCloseAutoFocus={(event) => {
            // The finding (and this button) is gone from the list: the review's heading takes the focus.
            if (!accepted) return;
            event.preventDefault();
            const heading = document.getElementById("risky-heading");
            heading?.focus();
          }}
        >
          <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
            <FormAlert message={formError} />
            <Field
              id="accept-justification"
              label="Justification"
              hint="Why this is acceptable, and who owns it."
              error={errors.justification?.message}
            >
              <textarea
                id="accept-justification"
                rows={3}
                maxLength={JUSTIFICATION_MAX}
                className={inputClass(!!errors.justification)}
                aria-invalid={!!errors.justification}
                aria-describedby={describedBy("accept-justification", errors.justification?.message, true)}
                {...form.register("justification")}
              />
            </Field>
            <Field
              id="accept-until"
              label="Accepted until"
              hint="At most a year; the finding returns after this day."
              error={errors.until?.message}
            >
              <input
                id="accept-until"
                type="date"
                min={day(1)}
                max={day(365)}
                className={inputClass(!!errors.until)}
                aria-invalid={!!errors.until}
                aria-describedby={describedBy("accept-until", errors.until?.message, true)}
                {...form.register("until")}
              />
            </Field>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" disabled={isSubmitting}>
                {isSubmitting ? "Accepting…" : "Accept risk"}
              </Button>
            </div>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
