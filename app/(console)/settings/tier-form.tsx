"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm, type Resolver } from "react-hook-form";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { saveTierAction } from "@/lib/actions/settings/save-tier";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { formatDuration, REFILL_INTERVALS, type RateLimit } from "@/lib/ratelimits/policy";
import { tierSchema, type TierValues } from "@/lib/validations/ratelimits";

export interface TierSummary {
  name: string;
  rateLimits: RateLimit[];
  quota: number | null;
  refill: { interval: string; amount: number } | null;
}

interface TierFormValues {
  name: string;
  /** One per line as name=limit/duration (tierSchema parses it). */
  rateLimits: string;
  quota: string;
  refill: { interval: "" | "daily" | "monthly"; amount: string };
}

/** The first message of a field whose errors may sit on the field or on one of its items ("rateLimits.1.limit"). */
function firstMessage(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const own = (error as { message?: unknown }).message;
  if (typeof own === "string") return own;
  for (const item of Object.values(error)) {
    const message = firstMessage(item);
    if (message) return message;
  }
  return undefined;
}

const limitText = (l: RateLimit) => `${l.name}=${l.limit}/${formatDuration(l.duration)}`;

export function TierList({ tiers }: { tiers: TierSummary[] }) {
  if (tiers.length === 0) return <p className="mt-3 text-sm text-slate-700">No tiers yet.</p>;
  return (
    <ul className="mt-3 divide-y divide-slate-100 text-sm" aria-label="Rate-limit tiers">
      {tiers.map((t) => (
        <li key={t.name} className="py-2">
          <span className="font-mono font-medium">{t.name}</span>
          <span className="block text-slate-600">
            {t.rateLimits.length ? t.rateLimits.map(limitText).join(", ") : "No rate limits"}
            {" · "}
            {t.quota === null
              ? "no quota"
              : `quota ${t.quota.toLocaleString("en")}${t.refill ? `, refills ${t.refill.interval} to ${t.refill.amount}` : ""}`}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Create a tier, or replace the one of the same name (its keys follow at once). */
export function TierForm() {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<TierFormValues, unknown, TierValues>({
    resolver: zodResolver(tierSchema) as unknown as Resolver<TierFormValues, unknown, TierValues>,
    defaultValues: { name: "", rateLimits: "", quota: "", refill: { interval: "", amount: "" } },
  });
  const { errors, isSubmitting } = form.formState;
  const limits = firstMessage(errors.rateLimits);

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await saveTierAction(values);
    if (result.ok) {
      toast.success(`Saved tier ${result.data.name}`);
      form.reset();
      router.refresh();
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  return (
    <form method="post" onSubmit={onSubmit} noValidate className="mt-4 space-y-3" aria-label="Save a tier">
      <FormAlert message={formError} />
      <Field
        id="tier-name"
        label="Tier name"
        hint="e.g. free, pro. Saving an existing name replaces that tier."
        error={errors.name?.message}
      >
        <input
          id="tier-name"
          autoComplete="off"
          className={inputClass(!!errors.name)}
          aria-invalid={!!errors.name}
          aria-describedby={describedBy("tier-name", errors.name?.message, true)}
          {...form.register("name")}
        />
      </Field>
      <Field id="tier-rateLimits" label="Rate limits" hint="One per line as name=limit/duration, e.g. api=100/1m." error={limits}>
        <textarea
          id="tier-rateLimits"
          rows={2}
          spellCheck={false}
          className={inputClass(!!limits, "font-mono")}
          aria-invalid={!!limits}
          aria-describedby={describedBy("tier-rateLimits", limits, true)}
          {...form.register("rateLimits")}
        />
      </Field>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field id="tier-quota" label="Quota" hint="Empty: unlimited." error={errors.quota?.message}>
          <input
            id="tier-quota"
            inputMode="numeric"
            className={inputClass(!!errors.quota)}
            aria-invalid={!!errors.quota}
            aria-describedby={describedBy("tier-quota", errors.quota?.message, true)}
            {...form.register("quota")}
          />
        </Field>
        <Field id="tier-refill" label="Refill" error={errors.refill?.message}>
          <select
            id="tier-refill"
            className={inputClass(!!errors.refill)}
            aria-invalid={!!errors.refill}
            {...form.register("refill.interval")}
          >
            <option value="">Never</option>
            {REFILL_INTERVALS.map((interval) => (
              <option key={interval} value={interval}>
                {interval === "daily" ? "Daily" : "Monthly"}
              </option>
            ))}
          </select>
        </Field>
        <Field id="tier-refill-amount" label="Refill to" hint="Empty: to the quota.">
          <input
            id="tier-refill-amount"
            inputMode="numeric"
            className={inputClass(false)}
            aria-describedby="tier-refill-amount-hint"
            {...form.register("refill.amount")}
          />
        </Field>
      </div>
      <Button type="submit" disabled={isSubmitting}>
        Save tier
      </Button>
    </form>
  );
}
