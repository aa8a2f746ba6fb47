import type { ReactNode } from "react";
import { cn } from "@/lib/cn";

/** A label, its control, a hint and the field's error, wired for screen readers via ids. */
export function Field({
  id,
  label,
  hint,
  error,
  children,
  className,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("space-y-1", className)}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children}
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} role="alert" className="text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

export function inputClass(invalid?: boolean, className?: string) {
  return cn(
    "block w-full rounded-md border bg-white px-3 py-2 text-sm shadow-sm placeholder:text-slate-400",
    "focus:outline-2 focus:outline-offset-0 focus:outline-indigo-600",
    invalid ? "border-red-500" : "border-slate-300",
    className,
  );
}

export function describedBy(id: string, error?: string, hint?: boolean) {
  return error ? `${id}-error` : hint ? `${id}-hint` : undefined;
}
