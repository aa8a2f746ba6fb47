"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { confirmTotpEnrolmentAction } from "@/lib/actions/account/confirm-totp-enrolment";
import { startTotpEnrolmentAction } from "@/lib/actions/account/start-totp-enrolment";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { totpCodeSchema, type TotpCodeInput } from "@/lib/validations/two-factor";
import { useRecoveryCodesModal } from "./recovery-codes-modal";

interface Enrolment {
  secret: string;
  qrSvg: string;
}

/** Setting up an authenticator app: a QR code and the text secret, then a code from the app to confirm it. */
export function TotpSetup({ onDone }: { onDone: () => void }) {
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [starting, setStarting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const recovery = useRecoveryCodesModal(onDone);
  const form = useForm<TotpCodeInput, unknown, { code: string }>({ resolver: zodResolver(totpCodeSchema), defaultValues: { code: "" } });
  const { errors, isSubmitting } = form.formState;

  const start = async () => {
    setStarting(true);
    setFormError(null);
    const result = await startTotpEnrolmentAction({});
    setStarting(false);
    if (!result.ok) return setFormError(result.error);
    setEnrolment({ secret: result.data.secret, qrSvg: result.data.qrSvg });
    form.reset({ code: "" });
  };

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    const result = await confirmTotpEnrolmentAction(values);
    if (result.ok) {
      setEnrolment(null);
      toast.success("Two-factor authentication is on");
      recovery.show(result.data.recoveryCodes);
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  if (!enrolment) {
    return (
      <div className="mt-4 space-y-3">
        <FormAlert message={formError} />
        <Button onClick={start} disabled={starting}>
          {starting ? "Preparing…" : "Set up authenticator app"}
        </Button>
        {recovery.element}
      </div>
    );
  }

  const grouped = enrolment.secret.match(/.{1,4}/g)?.join(" ") ?? enrolment.secret;
  return (
    <div className="mt-4 space-y-4">
      <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
        <li>Scan this QR code with your authenticator app (1Password, Google Authenticator, Authy, …).</li>
        <li>Or type the setup key below into the app by hand.</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start">
        {/* A data: URL keeps the QR code on this page: no request leaves it (img-src allows data:). */}
        {/* eslint-disable-next-line @next/next/no-img-element -- an inline SVG data URL, nothing for next/image to optimize */}
        <img
          src={`data:image/svg+xml;base64,${btoa(enrolment.qrSvg)}`}
          alt="QR code for your authenticator app"
          width={176}
          height={176}
          className="size-44 shrink-0 rounded-md border border-slate-200 bg-white"
        />
        <div className="min-w-0 space-y-1">
          <p className="text-sm font-medium text-slate-800" id="totp-secret-label">
            Setup key
          </p>
          <code
            data-testid="totp-secret"
            data-secret={enrolment.secret}
            aria-labelledby="totp-secret-label"
            className="block rounded-md border border-slate-300 bg-slate-50 px-3 py-2 font-mono text-sm break-all text-slate-900 select-all"
          >
            {grouped}
          </code>
          <p className="text-xs text-slate-500">Time-based, 6 digits, every 30 seconds.</p>
        </div>
      </div>
      <form method="post" onSubmit={onSubmit} noValidate className="space-y-3" aria-label="Confirm authenticator app">
        <FormAlert message={formError} />
        <Field id="totp-code" label="Code from the app" error={errors.code?.message} className="max-w-xs">
          <input
            id="totp-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={12}
            className={inputClass(!!errors.code)}
            aria-invalid={!!errors.code}
            aria-describedby={describedBy("totp-code", errors.code?.message)}
            {...form.register("code")}
          />
        </Field>
        <div className="flex flex-wrap gap-3">
          <Button type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Checking…" : "Turn on"}
          </Button>
          <Button variant="ghost" onClick={() => setEnrolment(null)}>
            Cancel
          </Button>
        </div>
      </form>
      {recovery.element}
    </div>
  );
}
