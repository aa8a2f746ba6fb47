import { ALLOW_ALL_CIDRS } from "@/lib/keys/universal";

/** One line for the list: "Any address", "203.0.113.0/24", "10.0.0.0/8 +2 more". */
export function summarizeCidrs(cidrs: readonly string[]): string {
  if (cidrs.length === 0 || ALLOW_ALL_CIDRS.every((all) => cidrs.includes(all))) return "Any address";
  return cidrs.length === 1 ? cidrs[0] : `${cidrs[0]} +${cidrs.length - 1} more`;
}
