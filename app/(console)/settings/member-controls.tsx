"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { changeMemberRoleAction } from "@/lib/actions/members/change-member-role";
import { removeMemberAction } from "@/lib/actions/members/remove-member";
import type { ActionResult } from "@/lib/actions/errors";
import type { Role } from "@/lib/auth/permissions";
import { toast } from "sonner";
import { PasswordResetButton } from "./password-reset-dialog";
import { useStepUp } from "@/components/step-up/step-up-provider";

export function MemberControls({
  memberId,
  email,
  role,
  roleOptions,
  isSelf = false,
}: {
  memberId: string;
  email: string;
  role: Role;
  roleOptions: { value: Role; label: string }[];
  /** One's own password is changed on the account page, not reset. */
  isSelf?: boolean;
}) {
  const router = useRouter();
  const withStepUp = useStepUp();
  const [pending, startTransition] = useTransition();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const run = (action: () => Promise<ActionResult<unknown>>, done: string) => {
    setError(null);
    startTransition(async () => {
      const result = await withStepUp(action);
      if (!result.ok) setError(result.error ?? "Something went wrong");
      else toast.success(done);
      setConfirming(false);
      router.refresh();
    });
  };

  return (
    <div className="flex flex-wrap items-center justify-end gap-2">
      <label htmlFor={`role-${memberId}`} className="sr-only">
        Role of {email}
      </label>
      <select
        id={`role-${memberId}`}
        value={role}
        disabled={pending}
        onChange={(e) => run(() => changeMemberRoleAction({ memberId, role: e.target.value }), "Role changed")}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm"
      >
        {roleOptions.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {!isSelf && <PasswordResetButton memberId={memberId} email={email} />}
      {confirming ? (
        <>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() => run(() => removeMemberAction({ memberId }), "Member removed")}
            aria-label={`Confirm removing ${email}`}
          >
            Remove
          </Button>
          <Button variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
        </>
      ) : (
        <Button variant="secondary" disabled={pending} onClick={() => setConfirming(true)} aria-label={`Remove ${email}`}>
          Remove…
        </Button>
      )}
      {error && (
        <p role="alert" className="w-full text-right text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
