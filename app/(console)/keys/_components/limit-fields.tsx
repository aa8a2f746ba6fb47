"use client";
import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { MAX_RATE_LIMITS, REFILL_INTERVALS } from "@/lib/ratelimits/policy";
import type { KeyFormValues } from "./key-form-values";

/** The first message of a field whose errors may sit on the field or on one of its items ("rateLimits.1.limit"). */
function messageOf(error: unknown): string | undefined {
  if (!error || typeof error !== "object") return undefined;
  const own = (error as { message?: unknown }).message;
  if (typeof own === "string") return own;
  for (const item of Object.values(error)) {
    const message = messageOf(item);
    if (message) return message;
  }
  return undefined;
}

/** Rate limits, tier and quota: how much the key may be used; checked on every verification. */
export function LimitFields({
  register,
  errors,
  tiers,
  quotaNote,
  limitRequired = false,
}: {
  register: UseFormRegister<KeyFormValues>;
  errors: FieldErrors<KeyFormValues>;
  tiers: string[];
  /** Shown under the quota (the edit form says that changing it starts it afresh). */
  quotaNote?: string;
  /** The organization's key policy requires a rate limit (the key's own or its tier's). */
  limitRequired?: boolean;
}) {
  const limits = messageOf(errors.rateLimits);
  const tier = errors.tier?.message;
  const quota = errors.quota?.message;
  const refill = messageOf(errors.refill);
  return (
    <fieldset className="space-y-4 rounded-md border border-slate-200 p-4">
      <legend className="px-1 text-sm font-medium text-slate-800">
        {limitRequired ? "Rate limits (required) and quota" : "Rate limits and quota (optional)"}
      </legend>
      <Field
        id="rateLimits"
        label="Rate limits"
        hint={`One per line as name=limit/duration, e.g. api=1000/10s (1s to 1d; at most ${MAX_RATE_LIMITS}). Over a limit, verifications answer RATE_LIMITED.`}
        error={limits}
      >
        <textarea
          id="rateLimits"
          rows={2}
          spellCheck={false}
          placeholder="api=1000/10s"
          className={inputClass(!!limits, "font-mono")}
          aria-invalid={!!limits}
          aria-describedby={describedBy("rateLimits", limits, true)}
          {...register("rateLimits")}
        />
      </Field>
      <Field id="tier" label="Tier" hint="Its limits and quota apply where the key sets none of its own." error={tier}>
        <select
          id="tier"
          className={inputClass(!!tier)}
          aria-invalid={!!tier}
          aria-describedby={describedBy("tier", tier, true)}
          {...register("tier")}
        >
          <option value="">No tier</option>
          {tiers.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field id="quota" label="Quota (credits)" hint={quotaNote ?? "Empty: unlimited. At zero: USAGE_EXCEEDED."} error={quota}>
          <input
            id="quota"
            inputMode="numeric"
            autoComplete="off"
            className={inputClass(!!quota)}
            aria-invalid={!!quota}
            aria-describedby={describedBy("quota", quota, true)}
            {...register("quota")}
          />
        </Field>
        <Field id="refill-interval" label="Refill" error={refill}>
          <select
            id="refill-interval"
            className={inputClass(!!refill)}
            aria-invalid={!!refill}
            aria-describedby={describedBy("refill-interval", refill)}
            {...register("refill.interval")}
          >
            <option value="">Never</option>
            {REFILL_INTERVALS.map((interval) => (
              <option key={interval} value={interval}>
                {interval === "daily" ? "Daily" : "Monthly"}
              </option>
            ))}
          </select>
        </Field>
        <Field id="refill-amount" label="Refill to" hint="Empty: to the quota.">
          <input
            id="refill-amount"
            inputMode="numeric"
            autoComplete="off"
            className={inputClass(false)}
            aria-describedby="refill-amount-hint"
            {...register("refill.amount")}
          />
        </Field>
      </div>
    </fieldset>
  );
}
