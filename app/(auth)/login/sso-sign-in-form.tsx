"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { startSsoAction } from "@/lib/actions/auth/start-sso";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { SSO_IDENTIFIER_MAX, ssoStartSchema, type SsoStartFormValues, type SsoStartInput } from "@/lib/validations/sso";

/** "Sign in with SSO": the work email (or organization ID) finds the organization; the browser then goes to its provider. */
export function SsoSignInForm({ next, error }: { next?: string | null; error?: string | null }) {
  const [open, setOpen] = useState(!!error);
  const [formError, setFormError] = useState<string | null>(error ?? null);
  const form = useForm<SsoStartFormValues, unknown, SsoStartInput>({
    resolver: zodResolver(ssoStartSchema),
    mode: "onTouched",
    defaultValues: { identifier: "", next: next ?? undefined },
  });
  const { errors, isSubmitting, isSubmitSuccessful } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await startSsoAction(values);
    if (result.ok) {
      // A full navigation to the provider (another origin).
      window.location.assign(result.data.url);
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  if (!open)
    return (
      <Button variant="secondary" className="mt-3 w-full" onClick={() => setOpen(true)}>
        Use single sign-on (SSO)
      </Button>
    );

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-3 space-y-4" aria-label="Single sign-on">
      <FormAlert message={formError} />
      <Field
        id="sso-identifier"
        label="Work email or organization ID"
        hint="You continue at your organization's sign-in provider."
        error={errors.identifier?.message}
      >
        <input
          id="sso-identifier"
          type="text"
          inputMode="email"
          autoComplete="username"
          autoFocus={!error}
          maxLength={SSO_IDENTIFIER_MAX}
          className={inputClass(!!errors.identifier)}
          aria-invalid={!!errors.identifier}
          aria-describedby={describedBy("sso-identifier", errors.identifier?.message, true)}
          {...form.register("identifier")}
        />
      </Field>
      <Button type="submit" variant="secondary" className="w-full" disabled={isSubmitting || (isSubmitSuccessful && !formError)}>
        {isSubmitting ? "Finding your organization…" : "Continue with SSO"}
      </Button>
    </form>
  );
}
