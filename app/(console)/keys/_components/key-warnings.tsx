import { isFullAccess, parseCidrList, type Scope } from "@/lib/keys/universal";

/** Things worth a second look that are still allowed: every address, full access, no expiry. */
export function keyWarnings({ scopes, cidrs, neverExpires }: { scopes: Scope[]; cidrs: string[]; neverExpires: boolean }): string[] {
  const warnings: string[] = [];
  const lines = cidrs.filter((line) => line.trim() !== "");
  if (lines.length === 0) warnings.push("No allowed IPs: calls from any address will be accepted");
  else warnings.push(...parseCidrList(lines).warnings.map((w) => w.message));
  if (isFullAccess(scopes)) warnings.push("Full access: this key can perform any action on all resources");
  if (neverExpires) warnings.push("This key never expires; consider setting an expiry date");
  return [...new Set(warnings)];
}

export function KeyWarnings({ warnings }: { warnings: string[] }) {
  if (warnings.length === 0) return null;
  return (
    <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="key-warnings">
      <p className="font-medium">Check before saving</p>
      <ul className="mt-1 list-disc space-y-0.5 pl-5">
        {warnings.map((warning) => (
          <li key={warning}>{warning}</li>
        ))}
      </ul>
    </div>
  );
}
