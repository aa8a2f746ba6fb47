"use client";
import * as RadixDialog from "@radix-ui/react-dialog";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/lib/cn";

export const Dialog = RadixDialog.Root;
export const DialogTrigger = RadixDialog.Trigger;
export const DialogClose = RadixDialog.Close;

/**
 * A modal panel: focus trapped inside, labelled by its title and described by its description, Escape and
 * outside clicks close it unless `dismissible` is false (then only its own buttons do).
 */
export function DialogContent({
  title,
  description,
  children,
  className,
  dismissible = true,
  stacked = false,
  ...props
}: Omit<ComponentProps<typeof RadixDialog.Content>, "title"> & {
  title: ReactNode;
  description?: ReactNode;
  dismissible?: boolean;
  /** Opens over another dialog (the step-up): its overlay then dims that dialog too. */
  stacked?: boolean;
}) {
  const block = (event: Event) => event.preventDefault();
  return (
    <RadixDialog.Portal>
      <RadixDialog.Overlay className={cn("fixed inset-0 bg-slate-900/50", stacked ? "z-[60]" : "z-40")} />
      <RadixDialog.Content
        {...props}
        {...(dismissible ? {} : { onEscapeKeyDown: block, onPointerDownOutside: block, onInteractOutside: block })}
        {...(description ? {} : { "aria-describedby": undefined })}
        className={cn(
          "fixed top-1/2 left-1/2 max-h-[calc(100vh-2rem)] w-[calc(100vw-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2",
          "overflow-y-auto rounded-lg border border-slate-200 bg-white p-5 shadow-xl focus:outline-none sm:p-6",
          stacked ? "z-[70]" : "z-50",
          className,
        )}
      >
        <RadixDialog.Title className="text-lg font-semibold text-slate-900">{title}</RadixDialog.Title>
        {description && <RadixDialog.Description className="mt-1 text-sm text-slate-600">{description}</RadixDialog.Description>}
        <div className="mt-4">{children}</div>
      </RadixDialog.Content>
    </RadixDialog.Portal>
  );
}
