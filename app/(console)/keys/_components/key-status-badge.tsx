import { Badge } from "@/components/ui/badge";
import type { KeyStatus } from "@/lib/keys/universal";

const STATUS = {
  active: { label: "Active", tone: "green" },
  expired: { label: "Expired", tone: "slate" },
  revoked: { label: "Revoked", tone: "red" },
} as const;

/** `disabled` is shown beside the status (a disabled key is still active, expired or revoked). */
export function KeyStatusBadge({ status, expiresSoon, disabled }: { status: KeyStatus; expiresSoon?: boolean; disabled?: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>
      {disabled && status !== "revoked" && <Badge tone="amber">Disabled</Badge>}
      {expiresSoon && <Badge tone="amber">Expires soon</Badge>}
    </span>
  );
}
