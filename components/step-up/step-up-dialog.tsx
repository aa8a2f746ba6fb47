"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { KeyRound } from "lucide-react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { assertPasskey } from "@/components/passkeys/ceremony";
import { confirmIdentityAction } from "@/lib/actions/account/confirm-identity";
import { startPasskeyStepUpAction } from "@/lib/actions/account/start-passkey-step-up";
import type { StepUpMethod } from "@/lib/auth/step-up";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { PASSWORD_MAX } from "@/lib/validations/auth";
import { SECOND_FACTOR_CODE_MAX, stepUpProofSchema, type StepUpProofInput } from "@/lib/validations/step-up";

type Values = { method: "password" | "second-factor"; password?: string; code?: string };

export function StepUpDialog({
  method,
  passkeys = false,
  windowMinutes,
  open,
  onDone,
}: {
  method: StepUpMethod;
  /** The member has a passkey: offered beside the code. */
  passkeys?: boolean;
  windowMinutes: number;
  open: boolean;
  onDone: (proved: boolean) => void;
}) {
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<Values, unknown, StepUpProofInput>({
    resolver: zodResolver(stepUpProofSchema) as never,
    defaultValues: { method, password: "", code: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const [wasOpen, setWasOpen] = useState(false);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      form.reset({ method, password: "", code: "" });
      setFormError(null);
    }
  }

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await confirmIdentityAction(values);
    if (result.ok) {
      onDone(true);
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  const [usingPasskey, setUsingPasskey] = useState(false);
  const withPasskey = async () => {
    setFormError(null);
    setUsingPasskey(true);
    try {
      const ceremony = await assertPasskey(() => startPasskeyStepUpAction({}));
      if (!ceremony.ok) return setFormError(ceremony.error);
      const result = await confirmIdentityAction({ method: "passkey", response: ceremony.response });
      if (result.ok) onDone(true);
      else setFormError(result.error);
    } finally {
      setUsingPasskey(false);
    }
  };

  const field = method === "password" ? "password" : "code";
  const lasts = windowMinutes % 60 === 0 ? `${windowMinutes / 60} ${windowMinutes === 60 ? "hour" : "hours"}` : `${windowMinutes} minutes`;
  const error = method === "password" ? errors.password?.message : errors.code?.message;
  return (
    <Dialog open={open} onOpenChange={(next) => !next && onDone(false)}>
      <DialogContent
        stacked
        title="Confirm it’s you"
        description={
          method === "password"
            ? `This is a sensitive action. Enter your password to go on; you will not be asked again for ${lasts}.`
            : passkeys
              ? `This is a sensitive action. Use your passkey, or enter a code from your authenticator app or a recovery code, to go on; you will not be asked again for ${lasts}.`
              : `This is a sensitive action. Enter a code from your authenticator app to go on; you will not be asked again for ${lasts}.`
        }
      >
        <form method="post" onSubmit={onSubmit} noValidate className="space-y-4" aria-label="Confirm it’s you">
          <FormAlert message={formError} />
          {method === "second-factor" && passkeys && (
            <Button variant="secondary" className="w-full" disabled={usingPasskey || isSubmitting} onClick={withPasskey}>
              <KeyRound className="size-4" aria-hidden="true" />
              {usingPasskey ? "Waiting for your passkey…" : "Use a passkey"}
            </Button>
          )}
          <Field id="step-up-proof" label={method === "password" ? "Your password" : "Authentication code"} error={error}>
            <input
              id="step-up-proof"
              type={method === "password" ? "password" : "text"}
              autoComplete={method === "password" ? "current-password" : "one-time-code"}
              inputMode={method === "password" ? undefined : "numeric"}
              maxLength={method === "password" ? PASSWORD_MAX : SECOND_FACTOR_CODE_MAX}
              autoFocus
              className={inputClass(!!error)}
              aria-invalid={!!error}
              aria-describedby={describedBy("step-up-proof", error)}
              {...form.register(field)}
            />
          </Field>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => onDone(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={isSubmitting}>
              {isSubmitting ? "Checking…" : "Confirm"}
            </Button>
          </div>
        </form>
      </DialogContent>
    </Dialog>
  );
}
