"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { signInAction } from "@/lib/actions/auth/sign-in";
import { useActionForm } from "@/lib/forms/use-action-form";
import { EMAIL_MAX, loginSchema, PASSWORD_MAX, type LoginFormValues, type LoginInput } from "@/lib/validations/auth";

export function LoginForm({ next }: { next?: string | null }) {
  const router = useRouter();
  const { form, formError, onSubmit } = useActionForm<LoginFormValues, LoginInput, { secondFactor: boolean }>({
    resolver: zodResolver(loginSchema),
    defaultValues: { email: "", password: "" },
    action: signInAction,
    // A member with a second factor has no session yet: the code comes next, then the page asked for.
    onSuccess: ({ secondFactor }) => {
      if (secondFactor) router.push(`/login/two-factor${next ? `?next=${encodeURIComponent(next)}` : ""}`);
      else router.replace(next ?? "/keys");
    },
  });
  const { errors, isSubmitting } = form.formState;

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
