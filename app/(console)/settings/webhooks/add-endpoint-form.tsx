"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { createWebhookEndpointAction } from "@/lib/actions/webhooks/create-webhook-endpoint";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import {
  WEBHOOK_DESCRIPTION_MAX,
  WEBHOOK_URL_MAX,
  webhookEndpointSchema,
  type WebhookEndpointFormValues,
  type WebhookEndpointInput,
} from "@/lib/validations/webhook";
import { useEndpointSecretModal } from "./endpoint-secret-modal";

export function AddEndpointForm({ eventTypes }: { eventTypes: string[] }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [formError, setFormError] = useState<string | null>(null);
  const secretModal = useEndpointSecretModal(() => router.refresh());
  const form = useForm<WebhookEndpointFormValues, unknown, WebhookEndpointInput>({
    resolver: zodResolver(webhookEndpointSchema),
    defaultValues: { url: "", description: "", eventTypes: [] },
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await withStepUp(() => createWebhookEndpointAction(values));
    if (result.ok) {
      toast.success("Endpoint added");
      form.reset({ url: "", description: "", eventTypes: [] });
      secretModal.show({ url: result.data.endpoint.url, secret: result.data.secret });
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  return (
    <>
      <form method="post" onSubmit={onSubmit} noValidate className="mt-3 space-y-4">
        <FormAlert message={formError} />
        <div className="grid gap-4 md:grid-cols-2">
          <Field id="webhook-url" label="Endpoint URL" error={errors.url?.message}>
            <input
              id="webhook-url"
              type="url"
              inputMode="url"
              placeholder="https://example.com/webhooks/keyward"
              maxLength={WEBHOOK_URL_MAX}
              className={inputClass(!!errors.url)}
              aria-invalid={!!errors.url}
              aria-describedby={describedBy("webhook-url", errors.url?.message)}
              {...form.register("url")}
            />
          </Field>
          <Field id="webhook-description" label="Description (optional)" error={errors.description?.message}>
            <input
              id="webhook-description"
              maxLength={WEBHOOK_DESCRIPTION_MAX}
              className={inputClass(!!errors.description)}
              aria-invalid={!!errors.description}
              aria-describedby={describedBy("webhook-description", errors.description?.message)}
              {...form.register("description")}
            />
          </Field>
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">Events</legend>
          <p className="text-xs text-slate-500">None ticked: every event.</p>
          <div className="mt-2 grid grid-cols-1 gap-x-4 gap-y-1 sm:grid-cols-2 lg:grid-cols-4">
            {eventTypes.map((type) => (
              <label key={type} className="flex items-center gap-2 text-sm text-slate-700">
                <input type="checkbox" value={type} className="size-4 accent-indigo-600" {...form.register("eventTypes")} />
                <span className="font-mono text-xs">{type}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Adding…" : "Add endpoint"}
        </Button>
      </form>
      {secretModal.element}
    </>
  );
}
