import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { requirePageContext } from "@/lib/auth/current";
import { ROLE_LABELS } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const ctx = await requirePageContext();
  return (
    <AppShell orgName={ctx.org.name} userEmail={ctx.user.email} roleLabel={ROLE_LABELS[ctx.role]}>
      {children}
    </AppShell>
  );
}
