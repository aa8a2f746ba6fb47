"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { Button, buttonClass } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { editKeyAction } from "@/lib/actions/keys/edit-key";
import { previewEditImpactAction } from "@/lib/actions/keys/preview-edit-impact";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { describeCidrChange, type Scope } from "@/lib/keys/universal";
import { DESCRIPTION_MAX, editKeySchema, KEY_NAME_MAX, type EditKeyValues } from "@/lib/validations/key";
import { CidrField } from "../../_components/cidr-field";
import { ExpiryField } from "../../_components/expiry-field";
import type { KeyFormValues } from "../../_components/key-form-values";
import { KeyWarnings } from "../../_components/key-warnings";
import { useKeyChecks } from "../../_components/use-key-checks";
import { OwnerMetaFields } from "../../_components/owner-meta-fields";
import { LimitFields } from "../../_components/limit-fields";
import { ScopeRows } from "../../_components/scope-rows";
import { describeScopeChange } from "../../_components/scope-change";
import { ConfirmChangesDialog } from "./confirm-changes-dialog";
import type { ImpactState } from "./edit-impact";
import { toast } from "sonner";
import { useStepUp } from "@/components/step-up/step-up-provider";
import type { KeyPolicy } from "@/lib/api-keys/policy";
import { activePolicyRules, PolicyNotice } from "../../_components/policy-notice";

interface CurrentKey {
  name: string;
  description: string;
  scopes: Scope[];
  cidrs: string[];
  owner: string;
  tags: string;
  meta: string;
  rateLimits: string;
  tier: string;
  quota: string;
  refill: KeyFormValues["refill"];
}

const filled = (lines: readonly string[]) => lines.filter((line) => line.trim() !== "");

/**
 * What the edit sends: every field, except the expiry when the person keeps it ("keep" is the form's own choice),
 * and the quota and refill only when changed (setting a quota starts it afresh).
 */
function toEdit(keyId: string, values: KeyFormValues, current: CurrentKey) {
  const { expiry, quota, refill, ...rest } = values;
  const quotaChanged =
    quota.trim() !== current.quota || refill.interval !== current.refill.interval || refill.amount.trim() !== current.refill.amount;
  return { keyId, ...rest, ...(expiry.preset === "keep" ? {} : { expiry }), ...(quotaChanged ? { quota, refill } : {}) };
}

export function EditKeyForm({
  keyId,
  current,
  currentExpiry,
  currentExpiresAt,
  tiers,
  limitedTiers,
  policy,
}: {
  keyId: string;
  current: CurrentKey;
  currentExpiry: string;
  /** ISO time, or null for a key that never expires. */
  currentExpiresAt: string | null;
  tiers: string[];
  /** The tiers with at least one rate limit (they satisfy a policy that requires one). */
  limitedTiers: string[];
  policy: KeyPolicy;
}) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [formError, setFormError] = useState<string | null>(null);
  const [pending, setPending] = useState<{ values: EditKeyValues; lines: string[]; impact: ImpactState } | null>(null);
  const edit = zodResolver(editKeySchema);
  // Validates what will be sent with editKeySchema; the field paths are the form's, so errors land in place.
  const resolver: Resolver<KeyFormValues, unknown, EditKeyValues> = (values, context, options) =>
    edit(toEdit(keyId, values, current) as never, context, options as never) as never;
  const form = useForm<KeyFormValues, unknown, EditKeyValues>({
    resolver,
    mode: "onChange",
    defaultValues: { ...current, expiry: { preset: "keep" } },
  });
  const { errors, isSubmitting } = form.formState;
  const { preset, warnings, violations } = useKeyChecks(form.control, policy, limitedTiers, {
    expiresAt: currentExpiresAt ? new Date(currentExpiresAt) : null,
    values: current,
  });

  const save = async (values: EditKeyValues) => {
    setFormError(null);
    const result = await withStepUp(() => editKeyAction(values));
    setPending(null);
    if (result.ok) {
      toast.success(`Saved changes to ${values.name}`);
      router.push(`/keys/${keyId}`);
      router.refresh();
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  };

  // Scope and allowed-IP changes can break running clients: say exactly what will change before saving.
  // The recorded traffic is checked on the server while the person reads the list.
  const onSubmit = form.handleSubmit(async (values) => {
    const scopeLines = describeScopeChange(current.scopes, values.scopes ?? current.scopes);
    const cidrLines = describeCidrChange(filled(current.cidrs), filled(values.cidrs ?? current.cidrs));
    if (scopeLines.length + cidrLines.length === 0) return save(values);
    setPending({ values, lines: [...scopeLines, ...cidrLines], impact: "loading" });
    const result = await previewEditImpactAction({
      keyId,
      ...(scopeLines.length > 0 ? { scopes: values.scopes } : {}),
      ...(cidrLines.length > 0 ? { cidrs: values.cidrs } : {}),
    });
    const impact: ImpactState = result.ok ? result.data : "unavailable";
    // An answer for an earlier proposal (cancelled, then submitted again) is dropped.
    setPending((shown) => (shown?.values === values ? { ...shown, impact } : shown));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="space-y-5" aria-label="Edit API key">
      <FormAlert message={formError ?? errors.root?.message} />
      <Field id="name" label="Name" error={errors.name?.message}>
        <input
          id="name"
          maxLength={KEY_NAME_MAX}
          autoComplete="off"
          className={inputClass(!!errors.name)}
          aria-invalid={!!errors.name}
          aria-describedby={describedBy("name", errors.name?.message)}
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
          {...form.register("description")}
        />
      </Field>
      <ExpiryField
        control={form.control}
        register={form.register}
        errors={errors}
        preset={preset}
        extraOptions={[{ value: "keep", label: currentExpiry }]}
      />
      <ScopeRows control={form.control} register={form.register} errors={errors} />
      <CidrField control={form.control} errors={errors} />
      <OwnerMetaFields register={form.register} errors={errors} ownerRequired={policy.policyRequireOwner} />
      <LimitFields
        register={form.register}
        errors={errors}
        tiers={tiers}
        limitRequired={policy.policyRequireRateLimit}
        quotaNote="Changing the quota or refill starts it afresh."
      />
      <PolicyNotice rules={activePolicyRules(policy)} violations={violations} />
      <KeyWarnings warnings={warnings} />
      <div className="flex flex-wrap gap-3">
        <Button type="submit" disabled={isSubmitting || pending !== null}>
          Save changes
        </Button>
        <Link href={`/keys/${keyId}`} className={buttonClass("secondary")}>
          Cancel
        </Link>
      </div>
      <ConfirmChangesDialog
        lines={pending?.lines ?? null}
        impact={pending?.impact ?? "loading"}
        onCancel={() => setPending(null)}
        onConfirm={async () => {
          if (pending) await save(pending.values);
        }}
      />
    </form>
  );
}
