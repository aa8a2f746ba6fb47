"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { revokeKeyAction } from "@/lib/actions/keys/revoke-key";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { confirmNameMatches, KEY_NAME_MAX, REASON_MAX, revokeKeySchema } from "@/lib/validations/key";

type FormValues = { keyId: string; confirmName: string; reason?: string };

/** Revoke one key: permanent, so the person types the key's name (the server checks it again). */
export function RevokeKeyButton({ keyId, keyName, onRevoked }: { keyId: string; keyName: string; onRevoked?: () => void }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<FormValues>({ resolver: zodResolver(revokeKeySchema), defaultValues: { keyId, confirmName: "", reason: "" } });
  const { errors, isSubmitting } = form.formState;
  const typed = useWatch({ control: form.control, name: "confirmName" }) ?? "";

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await revokeKeyAction(values);
    if (result.ok) {
      setOpen(false);
      onRevoked?.();
      router.refresh();
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  return (
    <>
      <Button
        variant="danger"
        onClick={() => {
          form.reset({ keyId, confirmName: "", reason: "" });
          setFormError(null);
          setOpen(true);
        }}
      >
        Revoke…
      </Button>
      <Dialog open={open} onOpenChange={setOpen}>
        {open && (
          <DialogContent
            title={`Revoke “${keyName}”?`}
            description="Revoking is permanent. Calls with this key's secrets are refused from now on; the key stays listed under Revoked."
          >
            <form onSubmit={onSubmit} noValidate className="space-y-4">
              <FormAlert message={formError} />
              <Field
                id="confirm-name"
                label={
                  <>
                    Type the key&apos;s name, <span className="font-mono">{keyName}</span>, to confirm
                  </>
                }
                error={errors.confirmName?.message}
              >
                <input
                  id="confirm-name"
                  autoComplete="off"
                  maxLength={KEY_NAME_MAX}
                  className={inputClass(!!errors.confirmName)}
                  aria-invalid={!!errors.confirmName}
                  aria-describedby={describedBy("confirm-name", errors.confirmName?.message)}
                  {...form.register("confirmName")}
                />
              </Field>
              <Field id="revoke-reason" label="Reason (optional)" error={errors.reason?.message}>
                <input
                  id="revoke-reason"
                  maxLength={REASON_MAX}
                  placeholder="e.g. posted in a public channel"
                  className={inputClass(!!errors.reason)}
                  {...form.register("reason")}
                />
              </Field>
              <div className="flex justify-end gap-2">
                <Button variant="secondary" onClick={() => setOpen(false)}>
                  Cancel
                </Button>
                <Button type="submit" variant="danger" disabled={isSubmitting || !confirmNameMatches(typed, keyName)}>
                  {isSubmitting ? "Revoking…" : "Revoke key"}
                </Button>
              </div>
            </form>
          </DialogContent>
        )}
      </Dialog>
    </>
  );
}
