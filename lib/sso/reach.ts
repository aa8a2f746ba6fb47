// Which of a user's organizations a session reaches. A session opened through an organization's single sign-on
// reaches that organization only: its provider vouched for the person there and nowhere else (otherwise one
// organization's admin, who controls its provider, could sign in as a shared member and switch into another
// organization). A password session reaches every organization that does not require SSO, and those that do
// where the user is the named break-glass admin.

export interface SsoGate {
  enabled: boolean;
  requireSso: boolean;
  breakGlassUserId: string | null;
}

export function orgReachable(
  session: { userId: string; ssoOrgId: string | null },
  orgId: string,
  gate: SsoGate | null | undefined,
): boolean {
  if (session.ssoOrgId) return orgId === session.ssoOrgId;
  return !gate || !gate.enabled || !gate.requireSso || gate.breakGlassUserId === session.userId;
}

export const SSO_GATE_SELECT = { enabled: true, requireSso: true, breakGlassUserId: true } as const;
