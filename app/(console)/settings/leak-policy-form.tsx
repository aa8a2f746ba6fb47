"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { FormAlert } from "@/components/ui/form-alert";
import { SavedStatus } from "@/components/ui/saved-status";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { updateLeakPolicyAction } from "@/lib/actions/settings/update-leak-policy";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { LEAK_POLICIES, LEAK_POLICY_LABELS } from "@/lib/leaks/policy";
import { leakPolicySchema, type LeakPolicyInput } from "@/lib/validations/org-admin";

export function LeakPolicySummary({ policy }: { policy: LeakPolicyInput }) {
  return <p className="mt-3 text-sm text-slate-700">{LEAK_POLICY_LABELS[policy.leakPolicy].label}.</p>;
}

export function LeakPolicyForm({ policy }: { policy: LeakPolicyInput }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const form = useForm<LeakPolicyInput>({ resolver: zodResolver(leakPolicySchema), defaultValues: policy });
  const { isSubmitting, isDirty } = form.formState;

  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    const result = await withStepUp(() => updateLeakPolicyAction(values));
    if (result.ok) {
      form.reset(result.data);
      setMessage({ error: false, text: "Leak policy saved" });
      toast.success("Leak policy saved");
      router.refresh();
      return;
    }
    const error = applyActionErrors(result, form.setError);
    if (error) setMessage({ error: true, text: error });
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-3">
      {message?.error && <FormAlert message={message.text} />}
      <fieldset className="space-y-2">
        <legend className="sr-only">When a secret is reported leaked</legend>
        {LEAK_POLICIES.map((value) => (
          <div key={value} className="flex items-start gap-2">
            <input
              id={`leak-policy-${value}`}
              type="radio"
              value={value}
              className="mt-1 size-4 accent-indigo-600"
              {...form.register("leakPolicy")}
            />
            <label htmlFor={`leak-policy-${value}`} className="text-sm">
              <span className="font-medium text-slate-800">{LEAK_POLICY_LABELS[value].label}</span>
              <span className="block text-xs text-slate-500">{LEAK_POLICY_LABELS[value].hint}</span>
            </label>
          </div>
        ))}
      </fieldset>
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isSubmitting || !isDirty}>
          Save leak policy
        </Button>
        {message && !message.error && <SavedStatus text={message.text} />}
      </div>
    </form>
  );
}
