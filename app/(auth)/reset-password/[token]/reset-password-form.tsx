"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { resetPasswordAction } from "@/lib/actions/auth/reset-password";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { PASSWORD_MAX, PASSWORD_MIN } from "@/lib/validations/auth";
import { resetPasswordSchema, type ResetPasswordFormValues, type ResetPasswordInput } from "@/lib/validations/password-reset";
import { SECOND_FACTOR_CODE_MAX } from "@/lib/validations/step-up";

export function ResetPasswordForm({ token, email, needsSecondFactor }: { token: string; email: string; needsSecondFactor: boolean }) {
  const [formError, setFormError] = useState<string | null>(null);
  const [done, setDone] = useState<number | null>(null);
  const form = useForm<ResetPasswordFormValues, unknown, ResetPasswordInput>({
    resolver: zodResolver(resetPasswordSchema),
    mode: "onTouched",
    defaultValues: { token, password: "", code: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await resetPasswordAction({ ...values, code: needsSecondFactor ? values.code : undefined });
    if (result.ok) {
      setDone(result.data.sessionsEnded);
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  if (done !== null) {
    return (
      <div className="mt-6 space-y-4">
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
          Your new password is set. {done === 0 ? "" : done === 1 ? "1 session was signed out. " : `${done} sessions were signed out. `}
          Sign in with it now.
        </p>
        <Link href="/login" className="inline-block text-sm font-medium text-indigo-700 underline">
          Go to sign in
        </Link>
      </div>
    );
  }

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4" aria-label="Set a new password">
      <FormAlert message={formError} />
      <input type="email" autoComplete="username" value={email} readOnly hidden />
      <Field
        id="new-password"
        label="New password"
        hint={`At least ${PASSWORD_MIN} characters; a phrase of unrelated words is easy to remember and hard to guess.`}
        error={errors.password?.message}
      >
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
          className={inputClass(!!errors.password)}
          aria-invalid={!!errors.password}
          aria-describedby={describedBy("new-password", errors.password?.message, true)}
          {...form.register("password")}
        />
      </Field>
      {needsSecondFactor && (
        <Field id="reset-code" label="Code from your authenticator app" error={errors.code?.message}>
          <input
            id="reset-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={SECOND_FACTOR_CODE_MAX}
            className={inputClass(!!errors.code)}
            aria-invalid={!!errors.code}
            aria-describedby={describedBy("reset-code", errors.code?.message)}
            {...form.register("code")}
          />
        </Field>
      )}
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? "Saving…" : "Set new password"}
      </Button>
    </form>
  );
}
