import type { ReactNode } from "react";
import { Logo } from "@/components/logo";
import Link from "next/link";
import { signOutAction } from "@/lib/actions/auth/sign-out";
import { LogOut } from "lucide-react";
import { Toaster } from "sonner";
import { MobileNav, NavLinks } from "./nav-links";
import { RouteFocus } from "./route-focus";
import { NotificationBell, type BellItem } from "@/components/notifications/notification-bell";
import { OrgSwitcher, type SwitcherOrg } from "./org-switcher";

export function AppShell({
  orgs,
  activeOrgId,
  canCreateOrg,
  userEmail,
  roleLabel,
  notifications,
  children,
}: {
  orgs: SwitcherOrg[];
  activeOrgId: string;
  canCreateOrg: boolean;
  userEmail: string;
  roleLabel: string;
  notifications: { items: BellItem[]; unread: number };
  children: ReactNode;
}) {
  return (
    <div className="min-h-screen lg:grid lg:grid-cols-[15rem_1fr]">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-indigo-700 px-3 py-2 text-sm font-medium text-white focus:not-sr-only focus:fixed focus:top-2 focus:left-2"
      >
        Skip to content
      </a>
      <aside className="border-b border-slate-200 bg-white lg:min-h-screen lg:border-r lg:border-b-0">
        <div className="flex items-center justify-between gap-3 px-4 py-3 lg:block lg:px-5 lg:py-5">
          <div className="flex items-center gap-3">
            <MobileNav />
            <Logo />
          </div>
          <OrgSwitcher orgs={orgs} activeOrgId={activeOrgId} canCreate={canCreateOrg} />
        </div>
        <NavLinks />
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="flex items-center justify-end gap-3 border-b border-slate-200 bg-white px-4 py-2.5 sm:px-8">
          <NotificationBell items={notifications.items} unread={notifications.unread} />
          <div className="min-w-0 text-right text-sm">
            <Link
              href="/account"
              className="block truncate font-medium text-slate-800 hover:text-indigo-700 hover:underline"
              title="Your account: change your password"
              data-testid="signed-in-user"
            >
              {userEmail}
            </Link>
            <p className="text-xs text-slate-500" data-testid="signed-in-role">
              {roleLabel}
            </p>
          </div>
          <form action={signOutAction}>
            <button
              type="submit"
              className="inline-flex items-center gap-1.5 rounded-md border border-slate-300 px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-50"
            >
              <LogOut aria-hidden="true" className="size-4" />
              Sign out
            </button>
          </form>
        </header>
        {/* tabIndex -1: the skip link and route changes can move focus here without a tab stop. */}
        <main id="main" tabIndex={-1} className="min-w-0 flex-1 px-4 py-6 focus:outline-none sm:px-8">
          {children}
        </main>
      </div>
      <RouteFocus />
      <Toaster position="top-center" closeButton />
    </div>
  );
}
