"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { verifySignInCodeAction } from "@/lib/actions/auth/verify-sign-in-code";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { CODE_MAX, secondFactorCodeSchema, type SecondFactorCodeInput } from "@/lib/validations/two-factor";

export function TwoFactorSignInForm({ next }: { next?: string | null }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<SecondFactorCodeInput>({ resolver: zodResolver(secondFactorCodeSchema), defaultValues: { code: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await verifySignInCodeAction(values);
    if (result.ok) {
      router.replace(next ?? "/keys");
      return;
    }
    // The pending sign-in is over (expired, or too many wrong codes): back to the password.
    if (result.code === "UNAUTHENTICATED") {
      router.replace("/login");
      return;
    }
    form.setValue("code", "");
    setFormError(applyActionErrors(result, form.setError));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormAlert message={formError} />
      <Field id="code" label="Authentication code" hint="6 digits, or a recovery code like ABCDE-FGHJK" error={errors.code?.message}>
        <input
          id="code"
          autoComplete="one-time-code"
          autoFocus
          maxLength={CODE_MAX}
          className={inputClass(!!errors.code)}
          aria-invalid={!!errors.code}
          aria-describedby={describedBy("code", errors.code?.message, true)}
          {...form.register("code")}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? "Verifying…" : "Verify"}
      </Button>
    </form>
  );
}
