import { Badge } from "@/components/ui/badge";
import type { KeyStatus } from "@/lib/keys/universal";

const STATUS = {
  active: { label: "Active", tone: "green" },
  expired: { label: "Expired", tone: "slate" },
  revoked: { label: "Revoked", tone: "red" },
} as const;

export function KeyStatusBadge({ status, expiresSoon }: { status: KeyStatus; expiresSoon?: boolean }) {
  return (
    <span className="inline-flex flex-wrap items-center gap-1">
      <Badge tone={STATUS[status].tone}>{STATUS[status].label}</Badge>
      {expiresSoon && <Badge tone="amber">Expires soon</Badge>}
    </span>
  );
}
