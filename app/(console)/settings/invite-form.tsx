"use client";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { describedBy, Field, inputClass } from "@/components/ui/field";
import { FormAlert } from "@/components/ui/form-alert";
import { inviteMemberAction } from "@/lib/actions/members/invite-member";
import { applyActionErrors } from "@/lib/forms/use-server-errors";
import { EMAIL_MAX } from "@/lib/validations/auth";
import { inviteMemberSchema, type InviteMemberFormValues, type InviteMemberInput } from "@/lib/validations/member";
import { toast } from "sonner";
import { LocalTime, RelativeTime } from "@/components/charts/local-time";
import { useStepUp } from "@/components/step-up/step-up-provider";

interface CreatedInvite {
  email: string;
  link: string;
  expiresAt: string;
}

export function InviteForm({ roleOptions }: { roleOptions: { value: InviteMemberInput["role"]; label: string; description: string }[] }) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [formError, setFormError] = useState<string | null>(null);
  const [created, setCreated] = useState<CreatedInvite | null>(null);
  const [copied, setCopied] = useState(false);
  const linkRef = useRef<HTMLInputElement>(null);
  const form = useForm<InviteMemberFormValues, unknown, InviteMemberInput>({
    resolver: zodResolver(inviteMemberSchema),
    defaultValues: { email: "", role: "lead" },
  });
  const { errors, isSubmitting } = form.formState;
  const chosenRole = useWatch({ control: form.control, name: "role" });
  const roleHint = roleOptions.find((o) => o.value === chosenRole)?.description;

  const onSubmit = form.handleSubmit(async (values) => {
    setFormError(null);
    setCreated(null);
    setCopied(false);
    const result = await withStepUp(() => inviteMemberAction(values));
    if (result.ok) {
      toast.success(`Invite created for ${result.data.email}`);
      // Built in the browser from the one-time token; the server keeps only its hash.
      setCreated({
        email: result.data.email,
        link: `${window.location.origin}/invite/${result.data.token}`,
        expiresAt: result.data.expiresAt,
      });
      form.reset({ email: "", role: values.role });
      router.refresh();
      return;
    }
    setFormError(applyActionErrors(result, form.setError));
  });

  // The link is what the admin came for, and shown only now: focus (and select) it so it can be copied at once.
  useEffect(() => {
    if (created) linkRef.current?.focus();
  }, [created]);

  const copy = async () => {
    if (!created) return;
    await navigator.clipboard?.writeText(created.link).catch(() => {});
    setCopied(true);
  };

  return (
    <div className="mt-2 space-y-3">
      <form method="post" onSubmit={onSubmit} noValidate className="flex flex-wrap items-start gap-3">
        <FormAlert message={formError} />
        <Field id="invite-email" label="Email" error={errors.email?.message} className="min-w-0 flex-1 basis-64">
          <input
            id="invite-email"
            type="email"
            maxLength={EMAIL_MAX}
            className={inputClass(!!errors.email)}
            aria-invalid={!!errors.email}
            aria-describedby={describedBy("invite-email", errors.email?.message)}
            {...form.register("email")}
          />
        </Field>
        <Field id="invite-role" label="Role" hint={roleHint} error={errors.role?.message} className="w-full sm:w-56">
          <select
            id="invite-role"
            className={inputClass(!!errors.role)}
            aria-describedby={describedBy("invite-role", errors.role?.message, !!roleHint)}
            {...form.register("role")}
          >
            {roleOptions.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </Field>
        <Button type="submit" className="mt-6" disabled={isSubmitting}>
          {isSubmitting ? "Creating…" : "Create invite link"}
        </Button>
      </form>
      {created && (
        <div className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm" role="status">
          <p className="font-medium text-emerald-900">Invite link for {created.email}</p>
          <p className="mt-0.5 text-emerald-800">
            Shown only now — copy it and send it to them. It works once and expires <RelativeTime iso={created.expiresAt} /> (
            <LocalTime iso={created.expiresAt} />
            ).
          </p>
          <div className="mt-2 flex gap-2">
            <label htmlFor="invite-link" className="sr-only">
              Invite link
            </label>
            <input
              id="invite-link"
              ref={linkRef}
              readOnly
              value={created.link}
              data-testid="invite-link"
              onFocus={(e) => e.currentTarget.select()}
              className={inputClass(false, "font-mono text-xs")}
            />
            <Button variant="secondary" onClick={copy}>
              {copied ? "Copied" : "Copy"}
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}
