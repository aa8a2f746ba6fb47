"use client";
import { Controller, type FieldErrors } from "react-hook-form";
import { inputClass } from "@/components/ui/field";
import type { KeyFormControl, KeyFormValues } from "./key-form-values";
import { CIDR_ENTRY_MAX_LENGTH } from "@/lib/keys/universal";
import { MAX_CIDRS } from "@/lib/validations/key";

/** Allowed IPs as a textarea, one address or CIDR range a line; each line's error is reported with its number. */
export function CidrField({ control, errors }: { control: KeyFormControl; errors: FieldErrors<KeyFormValues> }) {
  const lineErrors = Array.isArray(errors.cidrs)
    ? errors.cidrs.flatMap((error, index) => (error?.message ? [`Line ${index + 1}: ${error.message}`] : []))
    : [];
  const listError = (errors.cidrs as { message?: string } | undefined)?.message;
  const messages = [...(listError ? [listError] : []), ...lineErrors];
  return (
    <div className="space-y-1">
      <label htmlFor="cidrs" className="block text-sm font-medium text-slate-800">
        Allowed IPs
      </label>
      <Controller
        control={control}
        name="cidrs"
        render={({ field }) => (
          <textarea
            id="cidrs"
            rows={3}
            spellCheck={false}
            placeholder={"203.0.113.0/24\n2001:db8::/32"}
            maxLength={MAX_CIDRS * (CIDR_ENTRY_MAX_LENGTH + 1)}
            className={inputClass(messages.length > 0, "font-mono")}
            aria-invalid={messages.length > 0}
            aria-describedby={messages.length > 0 ? "cidrs-error" : "cidrs-hint"}
            value={(field.value ?? []).join("\n")}
            onBlur={field.onBlur}
            onChange={(event) => field.onChange(event.target.value === "" ? [] : event.target.value.split("\n"))}
          />
        )}
      />
      {messages.length > 0 ? (
        <div id="cidrs-error" role="alert" className="space-y-0.5 text-xs font-medium text-red-700">
          {messages.map((message) => (
            <p key={message}>{message}</p>
          ))}
        </div>
      ) : (
        <p id="cidrs-hint" className="text-xs text-slate-500">
          One IPv4 or IPv6 address or CIDR range per line. Leave blank to allow calls from any address.
        </p>
      )}
    </div>
  );
}
