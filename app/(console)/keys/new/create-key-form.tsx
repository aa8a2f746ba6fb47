"use client";
import Link from "next/link";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { Button, buttonClass } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { createKeyAction } from "@/lib/actions/keys/create-key";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { DEFAULT_EXPIRY_PRESET } from "@/lib/keys/universal";
import { createKeySchema, DESCRIPTION_MAX, KEY_NAME_MAX, type CreateKeyValues } from "@/lib/validations/key";
import { CidrField } from "../_components/cidr-field";
import { ExpiryField } from "../_components/expiry-field";
import type { KeyFormValues } from "../_components/key-form-values";
import { KeyWarnings } from "../_components/key-warnings";
import { useKeyChecks } from "../_components/use-key-checks";
import { activePolicyRules, PolicyNotice } from "../_components/policy-notice";
import type { KeyPolicy } from "@/lib/api-keys/policy";
import { OwnerMetaFields } from "../_components/owner-meta-fields";
import { LimitFields } from "../_components/limit-fields";
import { ScopeRows } from "../_components/scope-rows";
import { useSecretModal } from "../_components/secret-modal";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { EnvironmentField } from "./environment-field";

const DEFAULTS: KeyFormValues = {
  name: "",
  description: "",
  expiry: { preset: DEFAULT_EXPIRY_PRESET },
  scopes: [{ action: "read", resourceFilter: "" }],
  cidrs: [],
  owner: "",
  tags: "",
  meta: "",
  rateLimits: "",
  tier: "",
  quota: "",
  refill: { interval: "", amount: "" },
  environment: "live",
};

export function CreateKeyForm({
  policy,
  keyPrefix,
  tiers,
  limitedTiers,
}: {
  policy: KeyPolicy;
  keyPrefix: string;
  tiers: string[];
  /** The tiers with at least one rate limit (they satisfy a policy that requires one). */
  limitedTiers: string[];
}) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<KeyFormValues, unknown, CreateKeyValues>({
    // The form's expiry type also allows the edit form's "keep"; createKeySchema refuses it.
    resolver: zodResolver(createKeySchema) as unknown as Resolver<KeyFormValues, unknown, CreateKeyValues>,
    mode: "onChange",
    defaultValues: DEFAULTS,
  });
  const { errors, isSubmitting } = form.formState;
  const { preset, warnings, violations } = useKeyChecks(form.control, policy, limitedTiers);
  // The list loads fresh after the secret is gone: navigating away is the refresh.
  const secretModal = useSecretModal(() => router.push("/keys"));

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await withStepUp(() => createKeyAction(values));
    if (result.ok) {
      const { key, secret } = result.data;
      secretModal.show({ title: "Your new API key", keyName: key.name, scopes: key.scopes, secret });
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Create API key">
      <FormAlert message={formError} />
      <Field id="name" label="Name" hint="Unique among this organization's keys, e.g. “CI deploy bot”." error={errors.name?.message}>
        <input
          id="name"
          maxLength={KEY_NAME_MAX}
          autoComplete="off"
          className={inputClass(!!errors.name)}
          aria-invalid={!!errors.name}
          aria-describedby={describedBy("name", errors.name?.message, true)}
          {...form.register("name")}
        />
      </Field>
      <Field id="description" label="Description (optional)" error={errors.description?.message}>
        <textarea
          id="description"
          rows={2}
          maxLength={DESCRIPTION_MAX}
          className={inputClass(!!errors.description)}
          aria-invalid={!!errors.description}
          aria-describedby={describedBy("description", errors.description?.message)}
          {...form.register("description")}
        />
      </Field>
      <EnvironmentField register={form.register} keyPrefix={keyPrefix} />
      <ExpiryField control={form.control} register={form.register} errors={errors} preset={preset} />
      <ScopeRows control={form.control} register={form.register} errors={errors} />
      <CidrField control={form.control} errors={errors} />
      <OwnerMetaFields register={form.register} errors={errors} ownerRequired={policy.policyRequireOwner} />
      <LimitFields register={form.register} errors={errors} tiers={tiers} limitRequired={policy.policyRequireRateLimit} />
      <PolicyNotice rules={activePolicyRules(policy)} violations={violations} />
      <KeyWarnings warnings={warnings} />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Creating…" : "Create key"}
        </Button>
        <Link href="/keys" className={buttonClass("secondary")}>
          Cancel
        </Link>
      </div>
      {secretModal.element}
    </form>
  );
}
