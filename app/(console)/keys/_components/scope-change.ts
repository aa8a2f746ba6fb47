import { describeScope, impliedActions, isAllResources, normalizeResourceFilter, type Scope } from "@/lib/keys/universal";

function canonical(scope: Scope): Scope {
  return { action: scope.action, resourceFilter: normalizeResourceFilter(scope.resourceFilter) ?? scope.resourceFilter };
}

// A scope is still granted when another grants at least its actions on the same or all resources.
// Narrower overlaps (projects/** vs projects/web/**) are reported as changes: the confirmation errs
// on naming a change rather than hiding one.
function covers(by: Scope, scope: Scope): boolean {
  const actions = impliedActions(by.action);
  const sameResources = isAllResources(by.resourceFilter) || by.resourceFilter === scope.resourceFilter;
  return sameResources && impliedActions(scope.action).every((a) => actions.includes(a));
}

const lower = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

/**
 * The scope counterpart of describeCidrChange: "calls that need read projects/** will be refused",
 * "calls that need write deploys/* will be allowed".
 */
export function describeScopeChange(before: readonly Scope[], after: readonly Scope[]): string[] {
  const old = before.map(canonical);
  const next = after.map(canonical);
  const lines: string[] = [];
  for (const scope of old) {
    if (!next.some((kept) => covers(kept, scope))) lines.push(`calls that need ${lower(describeScope(scope))} will be refused`);
  }
  for (const scope of next) {
    if (!old.some((was) => covers(was, scope))) lines.push(`calls that need ${lower(describeScope(scope))} will be allowed`);
  }
  return lines;
}
