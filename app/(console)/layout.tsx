import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { StepUpProvider } from "@/components/step-up/step-up-provider";
import { requirePageContext } from "@/lib/auth/current";
import { ROLE_LABELS, can } from "@/lib/auth/permissions";
import { stepUpMethodFor, stepUpWindowMs } from "@/lib/auth/step-up";
import { db } from "@/lib/db";
import { notificationsFor } from "@/lib/notifications/notifications";
import { notificationSentence } from "@/lib/notifications/sentence";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const ctx = await requirePageContext();
  const notifications = await notificationsFor(db, ctx.org.id, ctx.user.id);
  const orgs = ctx.memberships.map((m) => ({ orgId: m.orgId, name: m.name, roleLabel: ROLE_LABELS[m.role] }));
  return (
    <AppShell
      orgs={orgs}
      activeOrgId={ctx.org.id}
      canCreateOrg={can(ctx.role, "orgs:create")}
      userEmail={ctx.user.email}
      roleLabel={ROLE_LABELS[ctx.role]}
      notifications={{
        unread: notifications.unread,
        items: notifications.items.map((n) => ({
          id: n.id,
          sentence: notificationSentence(n.type, n.payload),
          createdAt: n.createdAt.toISOString(),
          read: n.read,
        })),
      }}
    >
      <StepUpProvider
        method={await stepUpMethodFor(db, ctx.user.id)}
        passkeys={(await db.passkey.count({ where: { userId: ctx.user.id } })) > 0}
        windowMinutes={stepUpWindowMs() / 60_000}
      >
        {children}
      </StepUpProvider>
    </AppShell>
  );
}
