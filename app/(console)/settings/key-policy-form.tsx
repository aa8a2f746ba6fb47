"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { SavedStatus } from "@/components/ui/saved-status";
import { updateKeyPolicyAction } from "@/lib/actions/settings/update-key-policy";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { keyPolicySchema, MAX_LIFETIME_DAYS_LIMIT, type KeyPolicyInput } from "@/lib/validations/org-admin";
import { toast } from "sonner";
import { useStepUp } from "@/components/step-up/step-up-provider";

const RULES = [
  { name: "requireExpiry", label: "Require an expiry date", hint: "Keys that never expire are refused." },
  {
    name: "forbidWildcardCidr",
    label: "Forbid allowing every address",
    hint: "0.0.0.0/0 and ::/0 (and an empty allowed-IP list) are refused.",
  },
  { name: "forbidFullAccess", label: "Forbid full-access keys", hint: "A key must not allow any action on all resources." },
  { name: "requireOwner", label: "Require an owner", hint: "Every key names the team, customer or service it serves." },
  {
    name: "requireRateLimit",
    label: "Require a rate limit",
    hint: "Every key has a rate limit of its own or is on a tier that has one (a quota alone is not enough).",
  },
] as const;

export function KeyPolicySummary({ policy }: { policy: KeyPolicyInput }) {
  const active = [
    ...RULES.filter((r) => policy[r.name]).map((r) => r.label),
    ...(policy.maxLifetimeDays ? [`Keys last at most ${policy.maxLifetimeDays} days`] : []),
  ];
  return (
    <ul className="mt-3 list-disc space-y-1 pl-5 text-sm text-slate-700" aria-label="Key policy rules">
      {active.length === 0 ? <li>No rules: any key configuration is allowed.</li> : active.map((rule) => <li key={rule}>{rule}</li>)}
    </ul>
  );
}

export function KeyPolicyForm({ policy }: { policy: KeyPolicyInput }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const form = useForm<KeyPolicyInput>({ resolver: zodResolver(keyPolicySchema), defaultValues: policy });
  const { errors, isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    const result = await withStepUp(() => updateKeyPolicyAction(values));
    if (result.ok) {
      form.reset(result.data);
      setMessage({ error: false, text: "Policy saved" });
      toast.success("Key policy saved");
      router.refresh();
      return;
    }
    const error = applyActionErrors(result, form.setError);
    if (error) setMessage({ error: true, text: error });
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-3">
      {message?.error && <FormAlert message={message.text} />}
      {RULES.map((rule) => (
        <div key={rule.name} className="flex items-start gap-2">
          <input id={`policy-${rule.name}`} type="checkbox" className="mt-1 size-4 accent-indigo-600" {...form.register(rule.name)} />
          <label htmlFor={`policy-${rule.name}`} className="text-sm">
            <span className="font-medium text-slate-800">{rule.label}</span>
            <span className="block text-xs text-slate-500">{rule.hint}</span>
          </label>
        </div>
      ))}
      <Field
        id="policy-maxLifetimeDays"
        label="Maximum key lifetime (days)"
        hint="Leave empty for no limit. Keys must expire within this many days."
        error={errors.maxLifetimeDays?.message}
        className="max-w-xs"
      >
        <input
          id="policy-maxLifetimeDays"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_LIFETIME_DAYS_LIMIT}
          placeholder="No limit"
          className={inputClass(!!errors.maxLifetimeDays)}
          aria-invalid={!!errors.maxLifetimeDays}
          aria-describedby={describedBy("policy-maxLifetimeDays", errors.maxLifetimeDays?.message, true)}
          {...form.register("maxLifetimeDays", { setValueAs: (v) => (v === "" || v === null ? null : Number(v)) })}
        />
      </Field>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isSubmitting || !isDirty}>
          Save policy
        </Button>
        {message && !message.error && <SavedStatus text={message.text} />}
      </div>
    </form>
  );
}
