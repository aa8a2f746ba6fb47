"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { useRecoveryCodesModal } from "@/components/two-factor/recovery-codes-modal";
import { TotpSetup } from "@/components/two-factor/totp-setup";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { regenerateRecoveryCodesAction } from "@/lib/actions/account/regenerate-recovery-codes";
import { removeTotpAction } from "@/lib/actions/account/remove-totp";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { CODE_MAX, secondFactorCodeSchema, type SecondFactorCodeInput } from "@/lib/validations/two-factor";

export function TwoFactorSettings({
  enrolled,
  recoveryCodesLeft,
  passkeys = 0,
}: {
  enrolled: boolean;
  recoveryCodesLeft: number;
  passkeys?: number;
}) {
  const router = useRouter();
  if (!enrolled) {
    return (
      <>
        <p className="mt-3 text-sm text-slate-700">
          <Badge tone="amber">Off</Badge>{" "}
          <span className="ml-1">
            {passkeys > 0
              ? `No authenticator app; your passkeys are your second factor (${recoveryCodesLeft} recovery codes left).`
              : "Signing in takes only your password."}
          </span>
        </p>
        <TotpSetup onDone={() => router.refresh()} />
      </>
    );
  }
  return <ManageTwoFactor recoveryCodesLeft={recoveryCodesLeft} />;
}

/** Changing the factors takes a current code (or a recovery code), so a borrowed session cannot. */
function ManageTwoFactor({ recoveryCodesLeft }: { recoveryCodesLeft: number }) {
  const router = useRouter();
  const [formError, setFormError] = useState<string | null>(null);
  const recovery = useRecoveryCodesModal(() => router.refresh());
  const form = useForm<SecondFactorCodeInput>({ resolver: zodResolver(secondFactorCodeSchema), defaultValues: { code: "" } });
  const { errors, isSubmitting } = form.formState;

  const run = (what: "regenerate" | "remove") =>
    form.handleSubmit(async (values) => {
      setFormError(null);
      const result = what === "regenerate" ? await regenerateRecoveryCodesAction(values) : await removeTotpAction(values);
      form.reset({ code: "" });
      if (!result.ok) return setFormError(applyActionErrors(result, form.setError));
      if (result.data && "recoveryCodes" in result.data) recovery.show(result.data.recoveryCodes);
      else {
        toast.success("Authenticator app removed");
        router.refresh();
      }
    });

  return (
    <div className="mt-3 space-y-4">
      <ul className="space-y-1 text-sm text-slate-700" aria-label="Your second factors">
        <li>
          <Badge tone="green">On</Badge> <span className="ml-1">Authenticator app</span>
        </li>
        <li data-testid="recovery-codes-left">
          {recoveryCodesLeft === 1 ? "1 recovery code left" : `${recoveryCodesLeft} recovery codes left`}
        </li>
      </ul>
      <form method="post" noValidate onSubmit={run("regenerate")} className="space-y-3" aria-label="Change two-factor authentication">
        <FormAlert message={formError} />
        <Field
          id="manage-code"
          label="Current code"
          hint="From your authenticator app, or a recovery code"
          error={errors.code?.message}
          className="max-w-xs"
        >
          <input
            id="manage-code"
            autoComplete="one-time-code"
            maxLength={CODE_MAX}
            className={inputClass(!!errors.code)}
            aria-invalid={!!errors.code}
            aria-describedby={describedBy("manage-code", errors.code?.message, true)}
            {...form.register("code")}
          />
        </Field>
        <div className="flex flex-wrap gap-3">
          <Button type="submit" variant="secondary" disabled={isSubmitting}>
            New recovery codes
          </Button>
          <Button variant="danger" disabled={isSubmitting} onClick={run("remove")}>
            Remove authenticator app
          </Button>
        </div>
      </form>
      {recovery.element}
    </div>
  );
}
