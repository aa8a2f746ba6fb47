import { ROLE_DESCRIPTIONS, ROLE_LABELS, ROLES } from "@/lib/auth/permissions";

/** The id the role selects point their aria-describedby at. */
export const ROLE_HELP_ID = "role-descriptions";

/** One line per role, beside the member list where roles are changed. */
export function RoleDescriptions() {
  return (
    <dl id={ROLE_HELP_ID} className="mt-2 grid gap-x-3 gap-y-0.5 text-xs text-slate-600 sm:grid-cols-[auto_1fr]">
      {ROLES.map((role) => (
        <div key={role} className="contents">
          <dt className="font-medium text-slate-800">{ROLE_LABELS[role]}</dt>
          <dd className="mb-1 sm:mb-0">{ROLE_DESCRIPTIONS[role]}</dd>
        </div>
      ))}
    </dl>
  );
}
