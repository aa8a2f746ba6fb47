"use client";
import { useFieldArray, type FieldErrors, type UseFormRegister } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import type { KeyFormControl, KeyFormValues } from "./key-form-values";
import { ACTION_LABELS, SCOPE_ACTIONS } from "@/lib/keys/universal";
import { MAX_SCOPES, RESOURCE_FILTER_MAX } from "@/lib/validations/key";

/** One row per scope: an action and a resource filter (blank = all resources); rows can be added and removed. */
export function ScopeRows({
  control,
  register,
  errors,
}: {
  control: KeyFormControl;
  register: UseFormRegister<KeyFormValues>;
  errors: FieldErrors<KeyFormValues>;
}) {
  const { fields, append, remove } = useFieldArray({ control, name: "scopes" });
  const listError = errors.scopes?.message ?? errors.scopes?.root?.message;
  return (
    <fieldset className="space-y-2" aria-describedby="scopes-hint">
      <legend className="text-sm font-medium text-slate-800">Scopes</legend>
      <p id="scopes-hint" className="text-xs text-slate-500">
        What the key may do. Leave the resource filter blank for all resources; use <code>*</code> for one path segment and <code>**</code>{" "}
        for any number, e.g. <code>projects/web/**</code>.
      </p>
      {fields.map((field, index) => {
        const error = errors.scopes?.[index];
        const filterError = error?.resourceFilter?.message;
        const actionError = error?.action?.message;
        return (
          <div key={field.id} className="rounded-md border border-slate-200 p-2 sm:border-0 sm:p-0">
            <div className="flex flex-wrap items-start gap-2 sm:flex-nowrap">
              <label className="sr-only" htmlFor={`scope-${index}-action`}>
                Action for scope {index + 1}
              </label>
              <select
                id={`scope-${index}-action`}
                className={inputClass(!!actionError, "w-full sm:w-36")}
                aria-invalid={!!actionError}
                {...register(`scopes.${index}.action`)}
              >
                {SCOPE_ACTIONS.map((action) => (
                  <option key={action} value={action}>
                    {ACTION_LABELS[action]}
                  </option>
                ))}
              </select>
              <label className="sr-only" htmlFor={`scope-${index}-filter`}>
                Resource filter for scope {index + 1}
              </label>
              <input
                id={`scope-${index}-filter`}
                placeholder="All resources"
                maxLength={RESOURCE_FILTER_MAX}
                spellCheck={false}
                className={inputClass(!!filterError, "min-w-0 flex-1 font-mono")}
                aria-invalid={!!filterError}
                aria-describedby={filterError ? `scope-${index}-error` : undefined}
                {...register(`scopes.${index}.resourceFilter`)}
              />
              <Button
                variant="ghost"
                className="shrink-0"
                onClick={() => remove(index)}
                disabled={fields.length === 1}
                aria-label={`Remove scope ${index + 1}`}
              >
                Remove
              </Button>
            </div>
            {(filterError || actionError) && (
              <p id={`scope-${index}-error`} role="alert" className="mt-1 text-xs font-medium text-red-700">
                {filterError ?? actionError}
              </p>
            )}
          </div>
        );
      })}
      {listError && (
        <p role="alert" className="text-xs font-medium text-red-700">
          {listError}
        </p>
      )}
      <Button variant="secondary" onClick={() => append({ action: "read", resourceFilter: "" })} disabled={fields.length >= MAX_SCOPES}>
        Add scope
      </Button>
    </fieldset>
  );
}
