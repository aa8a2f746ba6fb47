"use client";
import { useEffect, useRef } from "react";

/**
 * A form-level error; it takes focus when it appears, so a keyboard or screen-reader user lands on it — unless a
 * field error already took it (the first invalid field is the better place to be).
 */
export function FormAlert({ message }: { message?: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message && document.activeElement?.getAttribute("aria-invalid") !== "true") ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="alert"
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 focus:outline-none"
    >
      {message}
    </div>
  );
}
