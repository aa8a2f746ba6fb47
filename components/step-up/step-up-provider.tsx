"use client";
import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from "react";
import type { ActionResult } from "@/lib/actions/errors";
import type { StepUpMethod } from "@/lib/auth/step-up";
import { StepUpDialog } from "./step-up-dialog";

type WithStepUp = <T>(call: () => Promise<ActionResult<T>>) => Promise<ActionResult<T>>;

const StepUpContext = createContext<WithStepUp | null>(null);

export const STEP_UP_CANCELLED = "Not done: confirm it is you to continue.";

/**
 * The one place the console asks for a step-up. A dangerous action answers STEP_UP_REQUIRED (the server's
 * check); `withStepUp` then asks for the proof in a dialog and, once given, calls the action again with the
 * same input, so the person's click completes without starting over.
 */
export function StepUpProvider({
  method,
  passkeys = false,
  windowMinutes,
  children,
}: {
  method: StepUpMethod;
  passkeys?: boolean;
  windowMinutes: number;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const resolver = useRef<((proved: boolean) => void) | null>(null);

  const finish = useCallback((proved: boolean) => {
    resolver.current?.(proved);
    resolver.current = null;
    setOpen(false);
  }, []);

  const withStepUp = useCallback<WithStepUp>(async (call) => {
    const first = await call();
    if (first.ok || first.code !== "STEP_UP_REQUIRED") return first;
    // A second request while one is waiting is answered as not done; the open dialog serves the first.
    if (resolver.current) return { ...first, error: STEP_UP_CANCELLED };
    const proved = await new Promise<boolean>((resolve) => {
      resolver.current = resolve;
      setOpen(true);
    });
    return proved ? call() : { ...first, error: STEP_UP_CANCELLED };
  }, []);

  return (
    <StepUpContext.Provider value={withStepUp}>
      {children}
      <StepUpDialog method={method} passkeys={passkeys} windowMinutes={windowMinutes} open={open} onDone={finish} />
    </StepUpContext.Provider>
  );
}

/** Wraps a call to a step-up-protected server action: `const result = await withStepUp(() => revokeKeyAction(values))`. */
export function useStepUp(): WithStepUp {
  const withStepUp = useContext(StepUpContext);
  if (!withStepUp) throw new Error("useStepUp needs a StepUpProvider (the console layout has one)");
  return withStepUp;
}
