"use client";
import { useEffect, useRef } from "react";

/**
 * "Saved" beside a form's submit button. It takes the focus when it appears: the button it replaces in the eye is
 * disabled once nothing is left to save, and a disabled button drops the focus to the page's start.
 */
export function SavedStatus({ text }: { text: string }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <span ref={ref} tabIndex={-1} role="status" className="text-sm text-emerald-700 focus:outline-none">
      {text}
    </span>
  );
}
