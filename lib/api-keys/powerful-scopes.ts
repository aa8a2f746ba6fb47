import type { Db } from "../db/client";
import { normalizeScope, scopeKey, type Scope } from "../keys/scopes";

// admin (revoke keys, manage the organization's keys through the API) and * (any action): a key given either can
// undo every other key, so granting one is a dangerous action that needs a fresh step-up.
const POWERFUL_ACTIONS = new Set(["admin", "*"]);

function powerfulScopeKeys(scopes: readonly unknown[]): Set<string> {
  const keys = new Set<string>();
  for (const scope of scopes) {
    const normalized = normalizeScope(scope);
    if (normalized && POWERFUL_ACTIONS.has(normalized.action)) keys.add(scopeKey(normalized));
  }
  return keys;
}

export function grantsPowerfulScope(scopes: readonly Scope[]): boolean {
  return powerfulScopeKeys(scopes).size > 0;
}

/**
 * Whether an edit gives the key an admin or * scope it does not already have. An unknown key (or another
 * organization's) is not widened: the edit itself answers not found.
 */
export async function widensToPowerfulScope(db: Db, orgId: string, keyId: string, scopes: readonly Scope[] | undefined): Promise<boolean> {
  if (!scopes) return false;
  const wanted = powerfulScopeKeys(scopes);
  if (wanted.size === 0) return false;
  const key = await db.apiKey.findFirst({
    where: { id: keyId, orgId },
    select: { scopes: { select: { action: true, resourceFilter: true } } },
  });
  if (!key) return false;
  const held = powerfulScopeKeys(key.scopes);
  return [...wanted].some((k) => !held.has(k));
}
