import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requirePageContext } from "@/lib/auth/current";
import { ROLE_LABELS, can } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const ctx = await requirePageContext();
  const orgs = ctx.memberships.map((m) => ({ orgId: m.orgId, name: m.name, roleLabel: ROLE_LABELS[m.role] }));
  return (
    <AppShell
      orgs={orgs}
      activeOrgId={ctx.org.id}
      canCreateOrg={can(ctx.role, "orgs:create")}
      userEmail={ctx.user.email}
      roleLabel={ROLE_LABELS[ctx.role]}
    >
      {children}
    </AppShell>
  );
}
