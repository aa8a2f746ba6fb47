"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SavedStatus } from "@/components/ui/saved-status";
import { renameOrganizationAction } from "@/lib/actions/orgs/rename-organization";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { ORG_NAME_MAX } from "@/lib/validations/auth";
import { renameOrganizationSchema, type RenameOrganizationInput } from "@/lib/validations/org";
import { toast } from "sonner";

export function OrgNameForm({ name }: { name: string }) {
  const router = useRouter();
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const form = useForm<RenameOrganizationInput>({ resolver: zodResolver(renameOrganizationSchema), defaultValues: { name } });
  const { errors, isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    const result = await renameOrganizationAction(values);
    if (result.ok) {
      form.reset({ name: result.data.name });
      setMessage({ error: false, text: "Saved" });
      toast.success(`Organization renamed to ${result.data.name}`);
      router.refresh();
      return;
    }
    const error = applyActionErrors(result, form.setError);
    if (error) setMessage({ error: true, text: error });
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-3 space-y-3">
      {message?.error && <FormAlert message={message.text} />}
      <Field id="org-name" label="Name" error={errors.name?.message}>
        <input
          id="org-name"
          maxLength={ORG_NAME_MAX}
          className={inputClass(!!errors.name)}
          aria-invalid={!!errors.name}
          aria-describedby={describedBy("org-name", errors.name?.message)}
          {...form.register("name")}
        />
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isSubmitting || !isDirty}>
          Save name
        </Button>
        {message && !message.error && <SavedStatus text={message.text} />}
      </div>
    </form>
  );
}
