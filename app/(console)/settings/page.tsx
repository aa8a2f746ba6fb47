import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { requirePageContext } from "@/lib/auth/current";
import { ROLE_LABELS, can, isRole } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { OrgNameForm } from "./org-name-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const ctx = await requirePageContext("members:read");
  const members = await db.membership.findMany({
    where: { orgId: ctx.org.id },
    include: { user: { select: { email: true } } },
    orderBy: { createdAt: "asc" },
  });
  return (
    <>
      <PageHeader title="Settings" description="Your organization and who can manage its keys." />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card className="p-5">
          <h2 className="text-base font-semibold">Organization</h2>
          {can(ctx.role, "settings:manage") && <OrgNameForm name={ctx.org.name} />}
          <dl className="mt-4 grid grid-cols-[8rem_1fr] gap-y-2 text-sm">
            {!can(ctx.role, "settings:manage") && (
              <>
                <dt className="text-slate-500">Name</dt>
                <dd>{ctx.org.name}</dd>
              </>
            )}
            <dt className="text-slate-500">Key prefix</dt>
            <dd className="font-mono">{ctx.org.keyPrefix}_live_…</dd>
          </dl>
        </Card>
        <Card className="p-5">
          <h2 className="text-base font-semibold">Members</h2>
          <ul className="mt-3 divide-y divide-slate-100 text-sm">
            {members.map((m) => (
              <li key={m.id} className="flex items-center justify-between py-2">
                <span className="truncate">{m.user.email}</span>
                <span className="text-slate-500">{isRole(m.role) ? ROLE_LABELS[m.role] : m.role}</span>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
