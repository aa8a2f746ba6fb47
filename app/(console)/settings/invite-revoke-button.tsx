"use client";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { revokeInviteAction } from "@/lib/actions/members/revoke-invite";
import { toast } from "sonner";

export function InviteRevokeButton({ inviteId, email }: { inviteId: string; email: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="flex items-center gap-2">
      {error && (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      )}
      <Button
        variant="ghost"
        disabled={pending}
        aria-label={`Revoke invite for ${email}`}
        onClick={() =>
          startTransition(async () => {
            const result = await revokeInviteAction({ inviteId });
            setError(result.ok ? null : result.error);
            if (result.ok) toast.success("Invite revoked");
            router.refresh();
          })
        }
      >
        Revoke invite
      </Button>
    </span>
  );
}
