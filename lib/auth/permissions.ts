// Who may do what in an organization. Every page, server action and API route asks `can` — nothing else.
export const ROLES = ["admin", "lead", "auditor"] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: "Admin",
  lead: "Team lead",
  auditor: "Security reviewer",
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
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function can(role: string | null | undefined, permission: Permission): boolean {
  return !!role && isRole(role) && (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
