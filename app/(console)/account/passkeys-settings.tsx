"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { KeyRound } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { RelativeTime } from "@/components/charts/local-time";
import { createPasskey } from "@/components/passkeys/ceremony";
import { useStepUp } from "@/components/step-up/step-up-provider";
import { useRecoveryCodesModal } from "@/components/two-factor/recovery-codes-modal";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { registerPasskeyAction } from "@/lib/actions/account/register-passkey";
import { removePasskeyAction } from "@/lib/actions/account/remove-passkey";
import { startPasskeyRegistrationAction } from "@/lib/actions/account/start-passkey-registration";
import type { PasskeySummary } from "@/lib/auth/passkeys/registration";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { PASSKEY_NAME_MAX, passkeyNameFormSchema, type PasskeyNameFormInput } from "@/lib/validations/passkey";

/** The member's passkeys and security keys: each named, with when it was added and last used; add and remove. */
export function PasskeysSettings({ passkeys }: { passkeys: PasskeySummary[] }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [formError, setFormError] = useState<string | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [removing, startRemoving] = useTransition();
  const recovery = useRecoveryCodesModal(() => router.refresh());
  const form = useForm<PasskeyNameFormInput>({ resolver: zodResolver(passkeyNameFormSchema), defaultValues: { name: "" } });
  const { errors, isSubmitting } = form.formState;

  const onSubmit = form.handleSubmit(async ({ name }) => {
    setFormError(null);
    // Adding a passkey adds a way in: the step-up is asked before the browser is.
    const ceremony = await createPasskey(() => withStepUp(() => startPasskeyRegistrationAction({})));
    if (!ceremony.ok) return setFormError(ceremony.error);
    const result = await withStepUp(() => registerPasskeyAction({ name, response: ceremony.response }));
    if (!result.ok) return setFormError(applyActionErrors(result, form.setError));
    form.reset({ name: "" });
    toast.success(`Passkey “${name}” added`);
    if (result.data.recoveryCodes) recovery.show(result.data.recoveryCodes);
    else router.refresh();
  });

  const remove = (passkey: PasskeySummary) => {
    setListError(null);
    startRemoving(async () => {
      const result = await withStepUp(() => removePasskeyAction({ passkeyId: passkey.id }));
      if (!result.ok) return setListError(result.error);
      toast.success(`Passkey “${passkey.name}” removed`);
      router.refresh();
    });
  };

  return (
    <div className="mt-3 space-y-4">
      <FormAlert message={listError} />
      {passkeys.length === 0 ? (
        <p className="text-sm text-slate-700">
          <Badge tone="amber">None</Badge> <span className="ml-1">No passkey or security key yet.</span>
        </p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" aria-label="Your passkeys">
          {passkeys.map((p) => (
            <li key={p.id} className="flex flex-col gap-2 py-3 sm:flex-row sm:items-center sm:justify-between" data-testid="passkey-row">
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-center gap-2 font-medium break-words text-slate-900">
                  <KeyRound className="size-4 shrink-0 text-slate-500" aria-hidden="true" />
                  <span className="min-w-0 break-all">{p.name}</span>
                  {p.synced && <Badge tone="indigo">Synced</Badge>}
                </p>
                <p className="text-slate-600">
                  Added <RelativeTime iso={p.createdAt} /> ·{" "}
                  {p.lastUsedAt ? (
                    <>
                      last used <RelativeTime iso={p.lastUsedAt} />
                    </>
                  ) : (
                    "never used"
                  )}
                </p>
              </div>
              <Button
                variant="secondary"
                className="shrink-0 self-start sm:self-center"
                disabled={removing}
                onClick={() => remove(p)}
                aria-label={`Remove passkey ${p.name}`}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form method="post" noValidate onSubmit={onSubmit} className="space-y-3" aria-label="Add a passkey">
        <FormAlert message={formError} />
        <Field
          id="passkey-name"
          label="Name for a new passkey"
          hint="So you can tell them apart, like “Work laptop” or “Blue security key”"
          error={errors.name?.message}
          className="max-w-sm"
        >
          <input
            id="passkey-name"
            autoComplete="off"
            maxLength={PASSKEY_NAME_MAX}
            className={inputClass(!!errors.name)}
            aria-invalid={!!errors.name}
            aria-describedby={describedBy("passkey-name", errors.name?.message, true)}
            {...form.register("name")}
          />
        </Field>
        <Button type="submit" variant="secondary" disabled={isSubmitting}>
          {isSubmitting ? "Waiting for your passkey…" : "Add a passkey"}
        </Button>
      </form>
      {recovery.element}
    </div>
  );
}
