import {
  explainInvalidIPv4,
  ipv4ToNumber,
  ipv4ToText,
  ipv6ToText,
  isIPv4Mapped,
  parseIPv6,
  type IpFamily,
  type Ipv6Words,
} from "./ip-address";

// Allowed-IP lists. Each entry is an IPv4 or IPv6 CIDR range, stored canonically with its
// prefix length ("10.0.0.0/8", "2001:db8::/32"); a bare address means /32 or /128.
// IPv4 and IPv6 are matched independently: a list with only IPv4 ranges refuses every
// IPv6 client and vice versa. An empty list means "no restriction" (ALLOW_ALL_CIDRS).

export type { IpFamily } from "./ip-address";

export const ALLOW_ALL_CIDRS: readonly string[] = Object.freeze(["0.0.0.0/0", "::/0"]);

/** Longest accepted entry; the longest real one ("ffff:…:255.255.255.255/128") has 49 characters. */
export const CIDR_ENTRY_MAX_LENGTH = 64;

const MAX_PREFIX: Record<IpFamily, number> = { ipv4: 32, ipv6: 128 };
const FAMILY_NAME: Record<IpFamily, string> = { ipv4: "IPv4", ipv6: "IPv6" };

export interface Cidr {
  family: IpFamily;
  /** Network address as an unsigned integer (32 or 128 bits). */
  network: bigint;
  prefix: number;
  /** Canonical text, e.g. "10.0.0.0/8". */
  text: string;
}

export type CidrParse = { ok: true; cidr: Cidr; note?: string } | { ok: false; error: string };

function wordsToBigInt(words: Ipv6Words): bigint {
  return words.reduce((acc, word) => (acc << 32n) | BigInt(word), 0n);
}

function bigIntToWords(value: bigint): Ipv6Words {
  const word = (shift: bigint) => Number((value >> shift) & 0xffffffffn);
  return [word(96n), word(64n), word(32n), word(0n)];
}

export function hostMask(family: IpFamily, prefix: number): bigint {
  return (1n << BigInt(MAX_PREFIX[family] - prefix)) - 1n;
}

function addressText(family: IpFamily, value: bigint): string {
  return family === "ipv4" ? ipv4ToText(Number(value)) : ipv6ToText(bigIntToWords(value));
}

function makeCidr(family: IpFamily, network: bigint, prefix: number): Cidr {
  return { family, network, prefix, text: `${addressText(family, network)}/${prefix}` };
}

function parsePrefix(raw: string, prefixText: string | undefined, family: IpFamily): number | string {
  const max = MAX_PREFIX[family];
  if (prefixText === undefined) return max;
  if (prefixText === "") return `${raw} is missing the prefix length after "/"`;
  if (!/^\d{1,4}$/.test(prefixText)) return `${raw} has an invalid prefix length "${prefixText}"; use a number such as /24`;
  const prefix = Number(prefixText);
  if (prefix > max) return `${raw}: /${prefix} is out of range for ${FAMILY_NAME[family]} (use /0 to /${max})`;
  if (prefixText.length > 1 && prefixText.startsWith("0")) {
    return `${raw}: write the prefix length without leading zeros (/${prefix})`;
  }
  return prefix;
}

/** Parses one allow-list entry (an address or a CIDR range) into canonical form. */
export function parseCidr(entry: unknown): CidrParse {
  if (typeof entry !== "string") return { ok: false, error: "Each entry must be text" };
  // The length of what was sent, before trimming: 4,000 spaces around an address are not a short entry.
  if (entry.length > CIDR_ENTRY_MAX_LENGTH) {
    return { ok: false, error: `"${entry.trim().slice(0, 24)}…" is too long to be an IP address or range` };
  }
  const raw = entry.trim();
  if (raw === "") return { ok: false, error: "Enter an IP address or range" };
  if (/\s/.test(raw)) return { ok: false, error: `${raw} contains a space; write it as ${raw.replace(/\s+/g, "")}` };
  const pieces = raw.split("/");
  if (pieces.length > 2) return { ok: false, error: `${raw} has more than one "/"` };
  const [addressPart, prefixText] = pieces;
  if (addressPart === "") return { ok: false, error: `${raw} is missing the address before "/"` };

  let family: IpFamily;
  let address: bigint;
  if (addressPart.includes(":")) {
    const parsed = parseIPv6(addressPart);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    family = "ipv6";
    address = wordsToBigInt(parsed.words);
  } else {
    const value = ipv4ToNumber(addressPart);
    if (value < 0) return { ok: false, error: explainInvalidIPv4(addressPart) };
    family = "ipv4";
    address = BigInt(value);
  }

  const prefix = parsePrefix(raw, prefixText, family);
  if (typeof prefix === "string") return { ok: false, error: prefix };
  const network = address & ~hostMask(family, prefix);
  if (network !== address) {
    const suggestion = makeCidr(family, network, prefix).text;
    return { ok: false, error: `${raw} has host bits set; did you mean ${suggestion}?` };
  }

  // Mapped clients are matched as IPv4, so a mapped range is stored as the IPv4 range it means.
  if (family === "ipv6" && prefix >= 96 && isIPv4Mapped(bigIntToWords(address))) {
    const cidr = makeCidr("ipv4", address & 0xffffffffn, prefix - 96);
    return { ok: true, cidr, note: `${raw} is an IPv4-mapped range; it is saved as ${cidr.text}` };
  }
  return { ok: true, cidr: makeCidr(family, network, prefix) };
}

/** Does range `outer` contain every address of range `inner`? */
export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return (
    outer.family === inner.family &&
    outer.prefix <= inner.prefix &&
    (inner.network & ~hostMask(outer.family, outer.prefix)) === outer.network
  );
}

export interface CidrError {
  index: number;
  entry: string;
  message: string;
}

export interface CidrWarning {
  /** Index of the entry concerned, or null for a remark about the whole list. */
  index: number | null;
  message: string;
}

export interface CidrListResult {
  cidrs: string[];
  errors: CidrError[];
  warnings: CidrWarning[];
}

/** Valid, canonical ranges of a list, skipping anything invalid; [] means allow-all. */
export function parseValidCidrs(cidrs: readonly unknown[]): Cidr[] {
  const out: Cidr[] = [];
  for (const entry of cidrs) {
    const parsed = parseCidr(entry);
    if (parsed.ok) out.push(parsed.cidr);
  }
  return out;
}

function wildcardWarning(cidr: Cidr): string {
  return `${cidr.text} allows calls from any ${FAMILY_NAME[cidr.family]} address`;
}

/**
 * Parses the lines of the allowed-IPs field. Blank lines are ignored; indexes refer to
 * the original lines. A list with no entries at all becomes ALLOW_ALL_CIDRS.
 */
export function parseCidrList(lines: readonly string[]): CidrListResult {
  const errors: CidrError[] = [];
  const warnings: CidrWarning[] = [];
  const accepted: { index: number; cidr: Cidr }[] = [];
  const seen = new Map<string, number>();
  let entries = 0;

  lines.forEach((line, index) => {
    if (typeof line === "string" && line.length <= CIDR_ENTRY_MAX_LENGTH && line.trim() === "") return;
    entries++;
    const parsed = parseCidr(line);
    if (!parsed.ok) {
      errors.push({ index, entry: String(line), message: parsed.error });
      return;
    }
    if (parsed.note) warnings.push({ index, message: parsed.note });
    const { cidr } = parsed;
    if (seen.has(cidr.text)) {
      warnings.push({ index, message: `${cidr.text} is listed twice` });
      return;
    }
    seen.set(cidr.text, index);
    accepted.push({ index, cidr });
  });

  if (entries === 0) return { cidrs: [...ALLOW_ALL_CIDRS], errors, warnings };

  for (const { index, cidr } of accepted) {
    if (cidr.prefix === 0) warnings.push({ index, message: wildcardWarning(cidr) });
    const cover = accepted.find((other) => other.cidr !== cidr && cidrContains(other.cidr, cidr));
    if (cover) warnings.push({ index, message: `${cidr.text} is already covered by ${cover.cidr.text}` });
  }

  for (const family of coveredFamilies(accepted.map((a) => a.cidr))) {
    if (accepted.some((a) => a.cidr.family === family && a.cidr.prefix === 0)) continue;
    const parts = accepted.filter((a) => a.cidr.family === family).map((a) => a.cidr.text);
    warnings.push({ index: null, message: `Together, ${listText(parts)} allow calls from any ${FAMILY_NAME[family]} address` });
  }

  // Stable sort: an entry's remarks stay together, in the order of the lines.
  warnings.sort((a, b) => (a.index ?? Infinity) - (b.index ?? Infinity));

  const families = new Set(accepted.map((a) => a.cidr.family));
  const [only] = families;
  // An ordinary IPv4 list (an office, a VPC) says nothing about IPv6 on purpose: no note. It helps where the
  // list opens its whole family (meant "anyone", but IPv6 stays shut) or is IPv6 only (most clients call over IPv4).
  const noteHelps = only === "ipv6" || coveredFamilies(accepted.map((a) => a.cidr)).includes(only);
  if (errors.length === 0 && families.size === 1 && noteHelps) {
    const other: IpFamily = only === "ipv4" ? "ipv6" : "ipv4";
    warnings.push({
      index: null,
      message: `Only ${FAMILY_NAME[only]} ranges are listed, so calls over ${FAMILY_NAME[other]} will be refused`,
    });
  }

  return { cidrs: accepted.map((a) => a.cidr.text), errors, warnings };
}

function listText(items: string[]): string {
  if (items.length <= 4)
    return items.length === 2 ? items.join(" and ") : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
  return `${items.slice(0, 3).join(", ")} and ${items.length - 3} more ranges`;
}

/**
 * Families whose whole address space the ranges cover together: a /0, or pieces such as 0.0.0.0/1 +
 * 128.0.0.0/1. CIDR blocks are aligned, so sorting by start and walking the gaps is exact.
 */
export function coveredFamilies(cidrs: readonly Cidr[]): IpFamily[] {
  return (["ipv4", "ipv6"] as const).filter((family) => {
    const blocks = cidrs.filter((c) => c.family === family).sort((a, b) => (a.network < b.network ? -1 : a.network > b.network ? 1 : 0));
    let next = 0n;
    for (const block of blocks) {
      if (block.network > next) return false;
      const end = block.network + hostMask(family, block.prefix) + 1n;
      if (end > next) next = end;
    }
    return next === 1n << BigInt(MAX_PREFIX[family]);
  });
}

/** Families the list leaves fully open (a /0 range, ranges that add up to the whole family, or the empty allow-all list). */
export function wildcardFamilies(cidrs: readonly string[]): IpFamily[] {
  if (cidrs.length === 0) return ["ipv4", "ipv6"];
  return coveredFamilies(parseValidCidrs(cidrs));
}
