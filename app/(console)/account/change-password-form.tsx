"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { changePasswordAction } from "@/lib/actions/account/change-password";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { changePasswordSchema, PASSWORD_MAX, PASSWORD_MIN, type ChangePasswordInput } from "@/lib/validations/auth";
import { toast } from "sonner";

const EMPTY: ChangePasswordInput = { currentPassword: "", newPassword: "" };

export function ChangePasswordForm() {
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const form = useForm<ChangePasswordInput>({ resolver: zodResolver(changePasswordSchema), mode: "onTouched", defaultValues: EMPTY });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    const result = await changePasswordAction(values);
    if (result.ok) {
      form.reset(EMPTY);
      const n = result.data.otherSessionsEnded;
      toast.success("Password changed");
      setMessage({ error: false, text: `Password changed. ${n === 1 ? "1 other session was" : `${n} other sessions were`} signed out.` });
      return;
    }
    const error = applyActionErrors(result, form.setError);
    if (error) setMessage({ error: true, text: error });
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4" aria-label="Change password">
      {message?.error && <FormAlert message={message.text} />}
      <Field id="current-password" label="Current password" error={errors.currentPassword?.message}>
        <input
          id="current-password"
          type="password"
          autoComplete="current-password"
          maxLength={PASSWORD_MAX}
          className={inputClass(!!errors.currentPassword)}
          aria-invalid={!!errors.currentPassword}
          aria-describedby={describedBy("current-password", errors.currentPassword?.message)}
          {...form.register("currentPassword")}
        />
      </Field>
      <Field
        id="new-password"
        label="New password"
        hint={`At least ${PASSWORD_MIN} characters; a phrase of unrelated words is easy to remember and hard to guess.`}
        error={errors.newPassword?.message}
      >
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
          className={inputClass(!!errors.newPassword)}
          aria-invalid={!!errors.newPassword}
          aria-describedby={describedBy("new-password", errors.newPassword?.message, true)}
          {...form.register("newPassword")}
        />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Changing…" : "Change password"}
        </Button>
        {message && !message.error && (
          <span role="status" className="text-sm text-emerald-700">
            {message.text}
          </span>
        )}
      </div>
    </form>
  );
}
