"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { createOrganizationAction } from "@/lib/actions/orgs/create-organization";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { KEY_PREFIX_MAX } from "@/lib/keys/universal";
import { ORG_NAME_MAX } from "@/lib/validations/auth";
import { createOrganizationSchema, type CreateOrganizationFormValues, type CreateOrganizationInput } from "@/lib/validations/org-admin";

export function CreateOrgForm() {
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<CreateOrganizationFormValues, unknown, CreateOrganizationInput>({
    resolver: zodResolver(createOrganizationSchema),
    mode: "onTouched",
    defaultValues: { name: "", keyPrefix: "kw" },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await createOrganizationAction(values);
    if (result.ok) {
      // A full page load: no list or cache of the previously active organization survives the switch.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- deliberate full load, see above
      window.location.assign("/keys");
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
      <FormAlert message={formError} />
      <Field id="new-org-name" label="Organization name" error={errors.name?.message}>
        <input
          id="new-org-name"
          maxLength={ORG_NAME_MAX}
          className={inputClass(!!errors.name)}
          aria-invalid={!!errors.name}
          aria-describedby={describedBy("new-org-name", errors.name?.message)}
          {...form.register("name")}
        />
      </Field>
      <Field
        id="new-org-prefix"
        label="Key prefix"
        hint="Starts every secret of this organization, e.g. kw_live_…"
        error={errors.keyPrefix?.message}
      >
        <input
          id="new-org-prefix"
          maxLength={KEY_PREFIX_MAX}
          spellCheck={false}
          className={inputClass(!!errors.keyPrefix, "font-mono")}
          aria-invalid={!!errors.keyPrefix}
          aria-describedby={describedBy("new-org-prefix", errors.keyPrefix?.message, true)}
          {...form.register("keyPrefix")}
        />
      </Field>
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Creating…" : "Create organization"}
      </Button>
    </form>
  );
}
