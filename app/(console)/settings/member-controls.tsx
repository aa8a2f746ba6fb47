"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { changeMemberRoleAction } from "@/lib/actions/members/change-member-role";
import { removeMemberAction } from "@/lib/actions/members/remove-member";
import type { ActionResult } from "@/lib/actions/errors";
import type { Role } from "@/lib/auth/permissions";
import { ROLE_HELP_ID } from "./role-descriptions";
import { toast } from "sonner";
import { PasswordResetButton } from "./password-reset-dialog";
import { useStepUp } from "@/components/step-up/step-up-provider";

export function MemberControls({
  memberId,
  email,
  role,
  roleOptions,
  isSelf = false,
  soleAdmin,
}: {
  memberId: string;
  email: string;
  role: Role;
  roleOptions: { value: Role; label: string }[];
  /** One's own password is changed on the account page, not reset. */
  isSelf?: boolean;
  /** The organization's only admin: neither demoted nor removed (the server refuses both), so not offered. */
  soleAdmin: boolean;
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
        disabled={pending || soleAdmin}
        aria-describedby={soleAdmin ? `role-${memberId}-sole` : ROLE_HELP_ID}
        onChange={(e) => run(() => changeMemberRoleAction({ memberId, role: e.target.value }), "Role changed")}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm disabled:bg-slate-50 disabled:text-slate-600"
      >
        {roleOptions.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {!isSelf && <PasswordResetButton memberId={memberId} email={email} />}
      {soleAdmin ? null : confirming ? (
        <>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() => run(() => removeMemberAction({ memberId }), "Member removed")}
            aria-label={`Yes, remove ${email}`}
          >
            Yes, remove
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
      {soleAdmin && (
        <p id={`role-${memberId}-sole`} className="w-full text-right text-xs text-slate-500">
          The only admin: make someone else an admin to change this role.
        </p>
      )}
      {error && (
        <p role="alert" className="w-full text-right text-xs font-medium text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
