"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { z } from "zod";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { acceptInviteAction } from "@/lib/actions/auth/accept-invite";
import { useActionForm } from "@/lib/forms/use-action-form";
import { newPasswordSchema, PASSWORD_MAX, PASSWORD_MIN } from "@/lib/validations/auth";
import { acceptInviteSchema } from "@/lib/validations/member";

// A new account gets the setup page's password rule in the browser too; the server checks it again.
const newAccountSchema = acceptInviteSchema.extend({ password: newPasswordSchema });
type Values = z.infer<typeof acceptInviteSchema>;

export function AcceptInviteForm({ token, email, hasAccount }: { token: string; email: string; hasAccount: boolean }) {
  const router = useRouter();
  const { form, formError, onSubmit } = useActionForm<Values, Values, { secondFactor: boolean }>({
    resolver: zodResolver(hasAccount ? acceptInviteSchema : newAccountSchema),
    defaultValues: { token, password: "" },
    action: acceptInviteAction,
    // An existing account with a second factor signs in with its code first.
    onSuccess: ({ secondFactor }) => router.replace(secondFactor ? "/login/two-factor" : "/keys"),
  });
  const { errors, isSubmitting } = form.formState;

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormAlert message={formError} />
      <input type="email" autoComplete="username" value={email} readOnly hidden />
      <Field
        id="password"
        label={hasAccount ? "Password" : "Choose a password"}
        hint={hasAccount ? undefined : `At least ${PASSWORD_MIN} characters.`}
        error={errors.password?.message}
      >
        <input
          id="password"
          type="password"
          autoComplete={hasAccount ? "current-password" : "new-password"}
          maxLength={PASSWORD_MAX}
          className={inputClass(!!errors.password)}
          aria-invalid={!!errors.password}
          aria-describedby={describedBy("password", errors.password?.message, !hasAccount)}
          {...form.register("password")}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? "Joining…" : hasAccount ? "Sign in and join" : "Create account and join"}
      </Button>
    </form>
  );
}
