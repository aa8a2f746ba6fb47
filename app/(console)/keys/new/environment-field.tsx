"use client";
import type { UseFormRegister } from "react-hook-form";
import { KEY_ENVIRONMENTS, type KeyEnvironment } from "@/lib/keys/universal";
import type { KeyFormValues } from "../_components/key-form-values";

const DESCRIPTIONS: Record<KeyEnvironment, string> = {
  live: "Live — for production traffic",
  test: "Test — for development and CI, easy to tell apart in logs",
};

/** Live or test: the secret starts with `<prefix>_live_` or `<prefix>_test_`, fixed for the key's life. */
export function EnvironmentField({ register, keyPrefix }: { register: UseFormRegister<KeyFormValues>; keyPrefix: string }) {
  return (
    <fieldset className="space-y-2" aria-describedby="environment-hint">
      <legend className="text-sm font-medium text-slate-800">Environment</legend>
      <div className="flex flex-col gap-2 sm:flex-row sm:flex-wrap">
        {KEY_ENVIRONMENTS.map((environment) => (
          <label
            key={environment}
            className="flex cursor-pointer items-start gap-2 rounded-md border border-slate-300 px-3 py-2 text-sm has-[:checked]:border-indigo-600 has-[:checked]:bg-indigo-50 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-indigo-600"
          >
            <input type="radio" value={environment} className="mt-0.5 accent-indigo-600" {...register("environment")} />
            <span>
              <span className="font-mono">
                {keyPrefix}_{environment}_…
              </span>
              <span className="block text-xs text-slate-600">{DESCRIPTIONS[environment]}</span>
            </span>
          </label>
        ))}
      </div>
      <p id="environment-hint" className="text-xs text-slate-500">
        Fixed for the key&apos;s life; rotating keeps it.
      </p>
    </fieldset>
  );
}
