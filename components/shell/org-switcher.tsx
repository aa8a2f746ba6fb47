"use client";
import Link from "next/link";
import { useState, useTransition } from "react";
import { switchOrganizationAction } from "@/lib/actions/orgs/switch-organization";

export interface SwitcherOrg {
  orgId: string;
  name: string;
  roleLabel: string;
}

/** The active organization, a switch between the user's organizations, and (admins) a way to create one. */
export function OrgSwitcher({ orgs, activeOrgId, canCreate }: { orgs: SwitcherOrg[]; activeOrgId: string; canCreate: boolean }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const active = orgs.find((o) => o.orgId === activeOrgId);

  const onChange = (orgId: string) => {
    setError(null);
    startTransition(async () => {
      const result = await switchOrganizationAction({ orgId });
      // A full navigation: every page and cached list belongs to the organization that was active.
      // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- deliberate full load, see above
      if (result.ok) window.location.assign("/keys");
      else setError(result.error);
    });
  };

  return (
    <div className="min-w-0 lg:mt-3">
      {orgs.length > 1 ? (
        <>
          <label htmlFor="org-switcher" className="sr-only">
            Organization
          </label>
          <select
            id="org-switcher"
            value={activeOrgId}
            disabled={pending}
            onChange={(e) => onChange(e.target.value)}
            className="block w-full max-w-[14rem] truncate rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm text-slate-800"
          >
            {orgs.map((o) => (
              <option key={o.orgId} value={o.orgId}>
                {o.name}
              </option>
            ))}
          </select>
        </>
      ) : (
        <p className="truncate text-sm text-slate-600" title={active?.name}>
          <span className="sr-only">Organization: </span>
          {active?.name}
        </p>
      )}
      {canCreate && (
        <Link
          href="/settings/organizations/new"
          className="mt-1 hidden text-xs font-medium text-indigo-700 hover:underline lg:inline-block"
        >
          New organization
        </Link>
      )}
      {error && (
        <p role="alert" className="mt-1 text-xs text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
