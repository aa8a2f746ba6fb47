"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { FormAlert } from "@/components/ui/form-alert";
import { updateTwoFactorPolicyAction } from "@/lib/actions/settings/update-two-factor-policy";

export function TwoFactorPolicyForm({ requireTwoFactor }: { requireTwoFactor: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [checked, setChecked] = useState(requireTwoFactor);

  const change = (next: boolean) => {
    setError(null);
    setChecked(next);
    startTransition(async () => {
      const result = await updateTwoFactorPolicyAction({ requireTwoFactor: next });
      if (!result.ok) {
        setChecked(!next);
        return setError(result.error);
      }
      toast.success(next ? "Two-factor authentication is now required" : "Two-factor authentication is no longer required");
      router.refresh();
    });
  };

  return (
    <div className="mt-4 space-y-3">
      <FormAlert message={error} />
      <div className="flex items-start gap-2">
        <input
          id="policy-requireTwoFactor"
          type="checkbox"
          className="mt-1 size-4 accent-indigo-600"
          checked={checked}
          disabled={pending}
          onChange={(event) => change(event.target.checked)}
        />
        <label htmlFor="policy-requireTwoFactor" className="text-sm">
          <span className="font-medium text-slate-800">Require two-factor authentication</span>
          <span className="block text-xs text-slate-500">
            Members without a second factor, you included, must set one up on their next visit and can do nothing else until they have.
          </span>
        </label>
      </div>
    </div>
  );
}
