"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { updateSsoSettingsAction } from "@/lib/actions/settings/update-sso-settings";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import type { SsoSettingsView } from "@/lib/sso/settings";
import { EMAIL_MAX } from "@/lib/validations/auth";
import {
  CLIENT_ID_MAX,
  CLIENT_SECRET_MAX,
  DOMAINS_MAX,
  ISSUER_MAX,
  ssoSettingsSchema,
  type SsoSettingsFormValues,
  type SsoSettingsInput,
} from "@/lib/validations/sso";

function valuesOf(view: SsoSettingsView): SsoSettingsFormValues {
  const { enabled, issuer, clientId, allowedDomains, defaultRole, requireSso, breakGlassEmail } = view;
  return { enabled, issuer, clientId, clientSecret: "", allowedDomains, defaultRole, requireSso, breakGlassEmail };
}

export function SsoSummary({ settings }: { settings: Pick<SsoSettingsView, "configured" | "enabled" | "requireSso"> }) {
  return (
    <p className="mt-3 text-sm text-slate-700">
      {!settings.configured || !settings.enabled
        ? "Members sign in with their password."
        : settings.requireSso
          ? "Members sign in with single sign-on only."
          : "Members may sign in with single sign-on or their password."}
    </p>
  );
}

export function SsoForm({
  settings,
  redirectUri,
  roleOptions,
}: {
  settings: SsoSettingsView;
  redirectUri: string;
  roleOptions: { value: SsoSettingsInput["defaultRole"]; label: string }[];
}) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const [hasSecret, setHasSecret] = useState(settings.hasSecret);
  const form = useForm<SsoSettingsFormValues, unknown, SsoSettingsInput>({
    resolver: zodResolver(ssoSettingsSchema),
    defaultValues: valuesOf(settings),
  });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async () => {
    setFormError(null);
    // The form's own values, not the parsed ones: the server parses them again with the same schema (domains text → list).
    const result = await updateSsoSettingsAction(form.getValues());
    if (result.ok) {
      form.reset(valuesOf(result.data));
      setHasSecret(true);
      toast.success("Single sign-on saved");
      router.refresh();
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  const text = (id: keyof SsoSettingsFormValues, label: string, max: number, props: Record<string, unknown> = {}, hint?: string) => (
    <Field id={`sso-${id}`} label={label} hint={hint} error={errors[id]?.message}>
      <input
        id={`sso-${id}`}
        maxLength={max}
        className={inputClass(!!errors[id])}
        aria-invalid={!!errors[id]}
        aria-describedby={describedBy(`sso-${id}`, errors[id]?.message, !!hint)}
        {...props}
        {...form.register(id)}
      />
    </Field>
  );

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-4" aria-label="Single sign-on settings">
      <FormAlert message={formError} />
      <div className="rounded-md bg-slate-50 px-3 py-2 text-sm">
        <span className="text-slate-600">Redirect URI to register at your provider: </span>
        <code className="break-all text-slate-900" data-testid="sso-redirect-uri">
          {redirectUri}
        </code>
        <span className="block text-xs text-slate-600">Scopes: openid email profile</span>
      </div>
      <div className="flex items-start gap-2">
        <input id="sso-enabled" type="checkbox" className="mt-1 size-4 accent-indigo-600" {...form.register("enabled")} />
        <label htmlFor="sso-enabled" className="text-sm font-medium text-slate-800">
          Allow single sign-on
        </label>
      </div>
      {text(
        "issuer",
        "Issuer URL",
        ISSUER_MAX,
        { type: "url", placeholder: "https://login.example.com" },
        "Checked by discovery when you save.",
      )}
      <div className="grid gap-4 sm:grid-cols-2">
        {text("clientId", "Client ID", CLIENT_ID_MAX, { autoComplete: "off" })}
        {text(
          "clientSecret",
          "Client secret",
          CLIENT_SECRET_MAX,
          { type: "password", autoComplete: "new-password" },
          hasSecret ? "A secret is saved; leave empty to keep it." : "Stored encrypted.",
        )}
      </div>
      <Field
        id="sso-allowedDomains"
        label="Allowed email domains"
        hint="People with a verified address at these domains join on their first sign-in. Comma separated; empty: members only."
        error={errors.allowedDomains?.message}
      >
        <textarea
          id="sso-allowedDomains"
          rows={2}
          maxLength={DOMAINS_MAX}
          className={inputClass(!!errors.allowedDomains)}
          aria-invalid={!!errors.allowedDomains}
          aria-describedby={describedBy("sso-allowedDomains", errors.allowedDomains?.message, true)}
          {...form.register("allowedDomains")}
        />
      </Field>
      <Field id="sso-defaultRole" label="Role of people who join this way" error={errors.defaultRole?.message} className="max-w-xs">
        <select id="sso-defaultRole" className={inputClass(!!errors.defaultRole)} {...form.register("defaultRole")}>
          {roleOptions.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </Field>
      <div className="flex items-start gap-2">
        <input id="sso-requireSso" type="checkbox" className="mt-1 size-4 accent-indigo-600" {...form.register("requireSso")} />
        <label htmlFor="sso-requireSso" className="text-sm">
          <span className="font-medium text-slate-800">Require single sign-on</span>
          <span className="block text-xs text-slate-600">
            Password sign-in no longer reaches this organization, except for the break-glass admin.
          </span>
        </label>
      </div>
      {text(
        "breakGlassEmail",
        "Break-glass admin (email)",
        EMAIL_MAX,
        { type: "email" },
        "An admin who may still sign in with a password.",
      )}
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Checking the provider…" : "Save single sign-on"}
      </Button>
    </form>
  );
}
