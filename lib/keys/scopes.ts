import {
  ALL_RESOURCES,
  compileResourceFilter,
  describeResourceFilter,
  validateResourceFilter,
  validateResourcePath,
  type ResourceMatcher,
} from "./resource-filter";

// Hierarchy: admin ⊃ write ⊃ read, and "*" allows every action.
// Least privilege on anything ambiguous:
//   - a scope with an unknown action or an invalid filter grants nothing;
//   - a malformed requested resource or action is denied (never thrown);
//   - with no resource, the request needs a scope that grants the action on ALL resources.

export const SCOPE_ACTIONS = ["read", "write", "admin", "*"] as const;
export type ScopeAction = (typeof SCOPE_ACTIONS)[number];

export const REQUEST_ACTIONS = ["read", "write", "admin"] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

export interface Scope {
  action: ScopeAction;
  resourceFilter: string;
}

export type AuthorizationResult = { allowed: true; scope: Scope } | { allowed: false; reason: string };

const IMPLIED: Record<ScopeAction, readonly RequestAction[]> = {
  read: ["read"],
  write: ["write", "read"],
  admin: ["admin", "write", "read"],
  "*": ["admin", "write", "read"],
};

const ACTION_RANK: Record<ScopeAction, number> = { read: 0, write: 1, admin: 2, "*": 3 };

export const ACTION_LABELS: Record<ScopeAction, string> = {
  read: "Read",
  write: "Write",
  admin: "Admin",
  "*": "Any action",
};

export function isScopeAction(value: unknown): value is ScopeAction {
  return typeof value === "string" && Object.hasOwn(IMPLIED, value);
}

export function isRequestAction(value: unknown): value is RequestAction {
  return value === "read" || value === "write" || value === "admin";
}

/** The request actions a scope action grants, strongest first; [] for an unknown action. */
export function impliedActions(action: ScopeAction): readonly RequestAction[] {
  return isScopeAction(action) ? IMPLIED[action] : [];
}

export type ScopeCheck = { ok: true; scope: Scope } | { ok: false; error: string };

/** Validates a scope; on success the filter is in canonical form. */
export function validateScope(scope: unknown): ScopeCheck {
  if (typeof scope !== "object" || scope === null) return { ok: false, error: "Scope must be an object" };
  const { action, resourceFilter } = scope as Record<string, unknown>;
  if (!isScopeAction(action)) {
    return { ok: false, error: `Unknown action ${quote(action)}; expected read, write, admin or *` };
  }
  const filter = validateResourceFilter(resourceFilter);
  if (!filter.ok) return { ok: false, error: filter.error };
  return { ok: true, scope: { action, resourceFilter: filter.value } };
}

/** Canonical copy of a scope, or null when it is invalid (and therefore grants nothing). */
export function normalizeScope(scope: unknown): Scope | null {
  const result = validateScope(scope);
  return result.ok ? result.scope : null;
}

export function scopeKey(scope: Scope): string {
  return `${scope.action} ${scope.resourceFilter}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function quote(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value.slice(0, 40)) : String(value);
}

interface CompiledScope {
  original: Scope;
  normalized: Scope;
  matches: ResourceMatcher;
  rank: number;
  literalSegments: number;
}

function compileScope(original: Scope): CompiledScope | null {
  const normalized = normalizeScope(original);
  const matches = normalized && compileResourceFilter(normalized.resourceFilter);
  if (!normalized || !matches) return null;
  const segments = normalized.resourceFilter === ALL_RESOURCES ? [] : normalized.resourceFilter.split("/");
  return {
    original,
    normalized,
    matches,
    rank: ACTION_RANK[normalized.action],
    literalSegments: segments.filter((s) => s !== "*" && s !== "**").length,
  };
}

export type Authorizer = (action: RequestAction, resource?: string) => AuthorizationResult;

/**
 * Precompiles scopes for repeated checks. When several scopes grant a request, the
 * least powerful one is reported (weakest action, then the most specific filter).
 */
export function compileScopes(scopes: readonly Scope[]): Authorizer {
  const compiled = (Array.isArray(scopes) ? scopes : [])
    .map(compileScope)
    .filter((s): s is CompiledScope => s !== null)
    .sort((a, b) => a.rank - b.rank || b.literalSegments - a.literalSegments);

  return (action, resource) => {
    if (!isRequestAction(action)) {
      return { allowed: false, reason: `Unknown action ${quote(action)}; expected read, write or admin` };
    }
    if (resource !== undefined) {
      const path = validateResourcePath(resource);
      if (!path.ok) return { allowed: false, reason: `Requested resource is invalid: ${path.error}` };
    }
    const grant = compiled.find(
      (s) =>
        IMPLIED[s.normalized.action].includes(action) &&
        (resource === undefined ? s.normalized.resourceFilter === ALL_RESOURCES : s.matches(resource)),
    );
    if (grant) return { allowed: true, scope: grant.original };
    return { allowed: false, reason: `No scope grants ${action} on ${resource ?? "all resources"}` };
  };
}

/** May a key with these scopes perform `action` on `resource` (or on all resources when omitted)? */
export function authorize(scopes: readonly Scope[], action: RequestAction, resource?: string): AuthorizationResult {
  return compileScopes(scopes)(action, resource);
}

/** True when some scope allows any action on all resources. */
export function isFullAccess(scopes: readonly Scope[]): boolean {
  return (
    Array.isArray(scopes) &&
    scopes.some((s) => {
      const normalized = normalizeScope(s);
      return normalized?.action === "*" && normalized.resourceFilter === ALL_RESOURCES;
    })
  );
}

/** e.g. "Read projects/web/**", "Write all resources", "Any action on all resources". */
export function describeScope(scope: Scope): string {
  const normalized = normalizeScope(scope);
  if (!normalized) return "Invalid scope (grants nothing)";
  const resources = describeResourceFilter(normalized.resourceFilter);
  return normalized.action === "*" ? `Any action on ${resources}` : `${ACTION_LABELS[normalized.action]} ${resources}`;
}

/** One short line for a table column, e.g. "Full access" or "Admin projects/** +2 more". */
export function summarizeScopes(scopes: readonly Scope[]): string {
  if (!Array.isArray(scopes) || scopes.length === 0) return "No scopes";
  if (isFullAccess(scopes)) return "Full access";
  const unique = new Map<string, Scope>();
  for (const scope of scopes) {
    const normalized = normalizeScope(scope);
    if (normalized) unique.set(scopeKey(normalized), normalized);
  }
  if (unique.size === 0) return "No valid scopes";
  const [strongest, ...rest] = [...unique.values()].sort(
    (a, b) => ACTION_RANK[b.action] - ACTION_RANK[a.action] || compareText(a.resourceFilter, b.resourceFilter),
  );
  return rest.length === 0 ? describeScope(strongest) : `${describeScope(strongest)} +${rest.length} more`;
}
