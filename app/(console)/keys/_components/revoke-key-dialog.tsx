"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent } from "@/components/ui/dialog";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { getRevokeContextAction } from "@/lib/actions/keys/get-revoke-context";
import { revokeKeyAction } from "@/lib/actions/keys/revoke-key";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import type { RevokeContext } from "@/lib/queries/revoke-context";
import { confirmNameMatches, KEY_NAME_MAX, REASON_MAX, revokeKeySchema } from "@/lib/validations/key";
import { exactTime, relativeTime } from "./format";
import { RotateKeyDialog } from "./rotate-key-dialog";
import { useStepUp } from "@/components/step-up/step-up-provider";

type FormValues = { keyId: string; confirmName: string; reason?: string; fromLeak?: boolean };

interface RevokeProps {
  keyId: string;
  keyName: string;
  onRevoked?: () => void;
  /** From a leak: "Rotate instead" then defaults to no grace for the old secret. */
  leaked?: boolean;
  /** Prefills the optional reason (the review's leak scan says where the secret was found). */
  defaultReason?: string;
}

/** Revoke one key: permanent, so the person types the key's name (the server checks it again). */
export function RevokeKeyButton(props: RevokeProps) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button variant="danger" onClick={() => setOpen(true)}>
        Revoke…<span className="sr-only"> {props.keyName}</span>
      </Button>
      <RevokeKeyDialog {...props} open={open} onOpenChange={setOpen} />
    </>
  );
}

/** Moves focus to the page's heading once the dialog's trigger may be gone (the key is revoked). */
function focusHeading() {
  const heading = document.querySelector<HTMLElement>("main h1") ?? document.querySelector<HTMLElement>("h1");
  if (!heading) return;
  if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
  heading.focus();
}

/**
 * The one revoke gate, used from every entry point (key page, keys list row, review, leak lookup): the typed
 * name, an optional reason, the key's recent traffic and last use (loaded on the server when it opens), and
 * "Rotate instead" for a key that should keep working with a new secret.
 */
export function RevokeKeyDialog({
  keyId,
  keyName,
  onRevoked,
  leaked = false,
  defaultReason = "",
  open,
  onOpenChange,
}: RevokeProps & { open: boolean; onOpenChange: (open: boolean) => void }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [formError, setFormError] = useState<string | null>(null);
  const [context, setContext] = useState<RevokeContext | "loading" | "unavailable">("loading");
  const [rotateOpen, setRotateOpen] = useState(false);
  const [revoked, setRevoked] = useState(false);
  const form = useForm<FormValues>({
    resolver: zodResolver(revokeKeySchema),
    defaultValues: { keyId, confirmName: "", reason: defaultReason, fromLeak: leaked },
  });
  const { errors, isSubmitting } = form.formState;
  const typed = useWatch({ control: form.control, name: "confirmName" }) ?? "";

  const [wasOpen, setWasOpen] = useState(false);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (open) {
      form.reset({ keyId, confirmName: "", reason: defaultReason, fromLeak: leaked });
      setFormError(null);
      setContext("loading");
      setRevoked(false);
    }
  }

  useEffect(() => {
    if (!open) return;
    let current = true;
    void getRevokeContextAction({ keyId }).then((result) => {
      if (current) setContext(result.ok ? result.data : "unavailable");
    });
    return () => {
      current = false;
    };
  }, [open, keyId]);

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await withStepUp(() => revokeKeyAction(values));
    if (result.ok) {
      setRevoked(true);
      onOpenChange(false);
      onRevoked?.();
      router.refresh();
      return;
    }
    const message = applyActionErrors(result, form.setError);
    setFormError(message);
    if (result.fieldErrors?.confirmName) form.setFocus("confirmName");
  });

  const at = new Date();
  const canRotate = typeof context === "object" && context.status === "active";

  return (
    <>
      <Dialog open={open} onOpenChange={onOpenChange}>
        {/* Not conditional on `open`: the closing render must carry onCloseAutoFocus with the outcome. */}
        <DialogContent
          title={`Revoke “${keyName}”?`}
          description="Revoking is permanent. Calls with this key's secrets are refused from now on; the key stays listed under Revoked."
          onCloseAutoFocus={(event) => {
            // The trigger (a row menu item, the key page's button) is gone once the key is revoked.
            if (revoked) {
              event.preventDefault();
              focusHeading();
            }
          }}
        >
          <form method="post" onSubmit={onSubmit} noValidate className="space-y-4">
            <FormAlert message={formError} />
            <section
              aria-label="Recent use of this key"
              className="rounded-md bg-slate-50 p-3 text-sm ring-1 ring-slate-200"
              data-testid="revoke-context"
            >
              {context === "loading" && <p className="text-slate-600">Loading recent use…</p>}
              {context === "unavailable" && <p className="text-slate-600">Recent use could not be loaded.</p>}
              {typeof context === "object" && (
                <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 max-sm:grid-cols-1">
                  <dt className="text-slate-600">Requests, last 7 days</dt>
                  <dd className="font-medium text-slate-900">{context.requests7d.toLocaleString("en-US")}</dd>
                  <dt className="text-slate-600">Last used</dt>
                  <dd className="text-slate-900">
                    {context.lastUsedAt ? (
                      <span title={exactTime(context.lastUsedAt)}>{relativeTime(context.lastUsedAt, at)}</span>
                    ) : (
                      "never"
                    )}
                    {context.lastUsedIp && (
                      <>
                        {" "}
                        from <span className="font-mono">{context.lastUsedIp}</span>
                      </>
                    )}
                  </dd>
                  {context.lastUsedUserAgent && (
                    <>
                      <dt className="text-slate-600">Client</dt>
                      <dd className="line-clamp-2 font-mono text-xs break-all text-slate-900" title={context.lastUsedUserAgent}>
                        {context.lastUsedUserAgent}
                      </dd>
                    </>
                  )}
                </dl>
              )}
            </section>
            {canRotate && (
              <p className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
                <span>Still needed by a client? Give it a new secret instead.</span>
                <Button
                  variant="secondary"
                  onClick={() => {
                    onOpenChange(false);
                    setRotateOpen(true);
                  }}
                >
                  Rotate instead
                </Button>
              </p>
            )}
            <Field
              id="confirm-name"
              label={
                <>
                  Type the key&apos;s name, <span className="font-mono">{keyName}</span>, to confirm
                </>
              }
              error={errors.confirmName?.message}
            >
              <input
                id="confirm-name"
                autoComplete="off"
                maxLength={KEY_NAME_MAX}
                className={inputClass(!!errors.confirmName)}
                aria-invalid={!!errors.confirmName}
                aria-describedby={describedBy("confirm-name", errors.confirmName?.message)}
                {...form.register("confirmName")}
              />
            </Field>
            <Field id="revoke-reason" label="Reason (optional)" error={errors.reason?.message}>
              <input
                id="revoke-reason"
                maxLength={REASON_MAX}
                placeholder="e.g. posted in a public channel"
                className={inputClass(!!errors.reason)}
                {...form.register("reason")}
              />
            </Field>
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={isSubmitting || !confirmNameMatches(typed, keyName)}>
                {isSubmitting ? "Revoking…" : "Revoke key"}
              </Button>
            </div>
          </form>
        </DialogContent>
      </Dialog>
      <RotateKeyDialog keyId={keyId} keyName={keyName} leaked={leaked} open={rotateOpen} onOpenChange={setRotateOpen} />
    </>
  );
}
