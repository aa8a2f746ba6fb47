import { ALLOW_ALL_CIDRS, cidrContains, parseValidCidrs, type Cidr } from "./cidr";

function label(cidr: Cidr): string {
  if (cidr.prefix !== 0) return cidr.text;
  return `any ${cidr.family === "ipv4" ? "IPv4" : "IPv6"} address (${cidr.text})`;
}

function effective(cidrs: readonly string[]): Cidr[] {
  return parseValidCidrs(cidrs.length === 0 ? ALLOW_ALL_CIDRS : cidrs);
}

/**
 * Human lines describing what an allow-list edit changes, for the confirmation step:
 * "calls from 203.0.113.0/24 will be refused", "calls from 198.51.100.0/24 will be allowed".
 * A removed range still covered by a remaining one, or an added range that was already
 * covered, changes nothing and is not mentioned.
 */
export function describeCidrChange(before: readonly string[], after: readonly string[]): string[] {
  const old = effective(before);
  const next = effective(after);
  const lines: string[] = [];

  for (const removed of old) {
    if (next.some((kept) => cidrContains(kept, removed))) continue;
    const stillAllowed = next.filter((kept) => cidrContains(removed, kept)).map((kept) => kept.text);
    lines.push(
      stillAllowed.length === 0
        ? `calls from ${label(removed)} will be refused`
        : `calls from ${label(removed)} will be refused, except from ${stillAllowed.join(", ")}`,
    );
  }
  for (const added of next) {
    if (old.some((was) => cidrContains(was, added))) continue;
    lines.push(`calls from ${label(added)} will be allowed`);
  }
  return lines;
}
