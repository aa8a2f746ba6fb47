"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { signInAction } from "@/lib/actions/auth/sign-in";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { EMAIL_MAX, loginSchema, PASSWORD_MAX, type LoginFormValues, type LoginInput } from "@/lib/validations/auth";

export function LoginForm({ next }: { next?: string | null }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<LoginFormValues, unknown, LoginInput>({
    resolver: zodResolver(loginSchema),
    mode: "onTouched",
    defaultValues: { email: "", password: "" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await signInAction(values);
    if (result.ok) {
      if (result.data.secondFactor) router.push(`/login/two-factor${next ? `?next=${encodeURIComponent(next)}` : ""}`);
      else router.replace(next ?? "/keys");
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormAlert message={formError} />
      <Field id="email" label="Email" error={errors.email?.message}>
        <input
          id="email"
          type="email"
          autoComplete="username"
          maxLength={EMAIL_MAX}
          className={inputClass(!!errors.email)}
          aria-invalid={!!errors.email}
          aria-describedby={describedBy("email", errors.email?.message)}
          {...form.register("email")}
        />
      </Field>
      <Field id="password" label="Password" error={errors.password?.message}>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          maxLength={PASSWORD_MAX}
          className={inputClass(!!errors.password)}
          aria-invalid={!!errors.password}
          aria-describedby={describedBy("password", errors.password?.message)}
          {...form.register("password")}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
