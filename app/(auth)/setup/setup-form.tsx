"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { setupOrganizationAction } from "@/lib/actions/auth/setup-organization";
import { useActionForm } from "@/lib/forms/use-action-form";
import { KEY_PREFIX_MAX } from "@/lib/keys/key-prefix";
import {
  EMAIL_MAX,
  ORG_NAME_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  setupSchema,
  type SetupFormValues,
  type SetupInput,
} from "@/lib/validations/auth";

export function SetupForm() {
  const router = useRouter();
  const { form, formError, onSubmit } = useActionForm<SetupFormValues, SetupInput, unknown>({
    resolver: zodResolver(setupSchema),
    defaultValues: { orgName: "", keyPrefix: "kw", email: "", password: "" },
    action: setupOrganizationAction,
    onSuccess: () => router.replace("/keys"),
  });
  const { errors, isSubmitting } = form.formState;

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-6 space-y-4">
      <FormAlert message={formError} />
      <Field id="orgName" label="Organization name" error={errors.orgName?.message}>
        <input
          id="orgName"
          autoComplete="organization"
          maxLength={ORG_NAME_MAX}
          className={inputClass(!!errors.orgName)}
          aria-invalid={!!errors.orgName}
          aria-describedby={describedBy("orgName", errors.orgName?.message)}
          {...form.register("orgName")}
        />
      </Field>
      <Field
        id="keyPrefix"
        label="Key prefix"
        hint="Starts every secret, e.g. kw_live_…, so scanners can spot leaked keys."
        error={errors.keyPrefix?.message}
      >
        <input
          id="keyPrefix"
          maxLength={KEY_PREFIX_MAX}
          className={inputClass(!!errors.keyPrefix, "font-mono")}
          spellCheck={false}
          aria-invalid={!!errors.keyPrefix}
          aria-describedby={describedBy("keyPrefix", errors.keyPrefix?.message, true)}
          {...form.register("keyPrefix")}
        />
      </Field>
      <Field id="email" label="Your email" error={errors.email?.message}>
        <input
          id="email"
          type="email"
          autoComplete="email"
          maxLength={EMAIL_MAX}
          className={inputClass(!!errors.email)}
          aria-invalid={!!errors.email}
          aria-describedby={describedBy("email", errors.email?.message)}
          {...form.register("email")}
        />
      </Field>
      <Field id="password" label="Password" hint={`At least ${PASSWORD_MIN} characters.`} error={errors.password?.message}>
        <input
          id="password"
          type="password"
          autoComplete="new-password"
          maxLength={PASSWORD_MAX}
          className={inputClass(!!errors.password)}
          aria-invalid={!!errors.password}
          aria-describedby={describedBy("password", errors.password?.message, true)}
          {...form.register("password")}
        />
      </Field>
      <Button type="submit" className="w-full" disabled={isSubmitting}>
        {isSubmitting ? "Setting up…" : "Create organization"}
      </Button>
    </form>
  );
}
