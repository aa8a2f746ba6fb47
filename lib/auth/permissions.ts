// Who may do what in an organization. Every page, server action and API route asks `can` — nothing else.
export const ROLES = ["admin", "lead", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  lead: "Team lead",
  auditor: "Security reviewer",
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  admin: "Everything: keys, members and settings",
  lead: "Views all keys and usage; creates, rotates and revokes keys",
  auditor: "Read-only: keys, usage, audit log, review and exports",
};

export const PERMISSIONS = {
  "keys:read": ["admin", "lead", "auditor"],
  "keys:create": ["admin", "lead"],
  "keys:edit": ["admin", "lead"],
  "keys:rotate": ["admin", "lead"],
  "keys:revoke": ["admin", "lead"],
  "usage:read": ["admin", "lead", "auditor"],
  "audit:read": ["admin", "lead", "auditor"],
  "review:read": ["admin", "lead", "auditor"],
  "members:read": ["admin", "lead", "auditor"],
  "members:manage": ["admin"],
  "settings:manage": ["admin"],
  // Creating another organization is an admin's act (the creator becomes its admin); switching between the
  // organizations one belongs to is open to every member.
  "orgs:create": ["admin"],
  "orgs:switch": ["admin", "lead", "auditor"],
  // One's own account (the password): every member.
  "account:manage": ["admin", "lead", "auditor"],
  // Setting up a second factor: the one thing a member may still do when the organization requires one and
  // they have none yet.
  "two-factor:enrol": ["admin", "lead", "auditor"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

export function can(role: string | null | undefined, permission: Permission): boolean {
  return !!role && isRole(role) && isPermission(permission) && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
