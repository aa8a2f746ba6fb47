"use client";
import { format } from "date-fns";
import { Controller, type FieldErrors, type UseFormRegister } from "react-hook-form";
import { inputClass } from "@/components/ui/field";
import type { KeyFormControl, KeyFormValues } from "./key-form-values";
import { EXPIRY_PRESETS } from "@/lib/keys/universal";

function localValue(iso: string | undefined): string {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : format(date, "yyyy-MM-dd'T'HH:mm");
}

/**
 * Expiry presets (from EXPIRY_PRESETS) and a custom date-time. The browser's datetime-local value has no
 * time zone, so it is sent as the ISO instant it means in the viewer's zone.
 */
export function ExpiryField({
  control,
  register,
  errors,
  preset,
  extraOptions = [],
}: {
  control: KeyFormControl;
  register: UseFormRegister<KeyFormValues>;
  errors: FieldErrors<KeyFormValues>;
  preset: string;
  extraOptions?: { value: string; label: string }[];
}) {
  const options = [
    ...extraOptions,
    ...EXPIRY_PRESETS.map(({ value, label }) => ({ value, label })),
    { value: "custom", label: "Custom date" },
  ];
  const customError = errors.expiry?.customAt?.message ?? errors.expiry?.message;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-800">Expires</legend>
      <div className="flex flex-wrap gap-2">
        {options.map((option) => (
          <label
            key={option.value}
            className="flex cursor-pointer items-center gap-2 rounded-md border border-slate-300 px-3 py-1.5 text-sm has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600"
          >
            <input type="radio" value={option.value} className="accent-indigo-600" {...register("expiry.preset")} />
            {option.label}
          </label>
        ))}
      </div>
      {preset === "custom" && (
        <div className="space-y-1">
          <label htmlFor="expiry-custom" className="block text-xs font-medium text-slate-700">
            Expiry date and time (your time zone)
          </label>
          <Controller
            control={control}
            name="expiry.customAt"
            render={({ field }) => (
              <input
                id="expiry-custom"
                type="datetime-local"
                className={inputClass(!!customError, "sm:w-64")}
                aria-invalid={!!customError}
                aria-describedby={customError ? "expiry-error" : undefined}
                value={localValue(field.value)}
                onBlur={field.onBlur}
                onChange={(event) => {
                  const date = new Date(event.target.value);
                  field.onChange(event.target.value && !Number.isNaN(date.getTime()) ? date.toISOString() : "");
                }}
              />
            )}
          />
        </div>
      )}
      {customError && (
        <p id="expiry-error" role="alert" className="text-xs font-medium text-red-700">
          {customError}
        </p>
      )}
    </fieldset>
  );
}
