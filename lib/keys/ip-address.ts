import ipaddr from "ipaddr.js";

// Strict address parsing shared by the allow-list parser and the request hot path.
// Only dotted-decimal IPv4 with four parts and no leading zeros is accepted: forms like
// "010.0.0.1" (octal in some parsers), "0x0a.0.0.1" or "10.1" are classic allow-list bypasses.

export type IpFamily = "ipv4" | "ipv6";

/** Four big-endian 32-bit words of an IPv6 address. */
export type Ipv6Words = [number, number, number, number];

export const MAX_IP_TEXT_LENGTH = 64;

const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_DOT = 46;

/** The address as an unsigned 32-bit number, or -1 if it is not strict dotted-decimal IPv4. */
export function ipv4ToNumber(text: string): number {
  const length = text.length;
  if (length < 7 || length > 15) return -1;
  let value = 0;
  let part = 0;
  let digits = 0;
  let parts = 0;
  for (let i = 0; i <= length; i++) {
    const code = i < length ? text.charCodeAt(i) : CHAR_DOT;
    if (code === CHAR_DOT) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      parts++;
      part = 0;
      digits = 0;
    } else if (code >= CHAR_0 && code <= CHAR_9) {
      if (digits === 1 && part === 0) return -1; // leading zero
      part = part * 10 + (code - CHAR_0);
      digits++;
      if (digits > 3) return -1;
    } else {
      return -1;
    }
  }
  return parts === 4 ? value : -1;
}

/** A person-readable reason why `text` is not accepted as IPv4 (only meaningful when ipv4ToNumber failed). */
export function explainInvalidIPv4(text: string): string {
  const parts = text.split(".");
  if (parts.some((p) => /^0x/i.test(p))) {
    return `${text} uses hexadecimal; write the address in dotted decimal, e.g. 10.0.0.1`;
  }
  if (parts.every((p) => /^\d+$/.test(p))) {
    if (parts.length !== 4) return `${text} needs all four parts, e.g. 10.0.0.0`;
    const zeroPadded = parts.find((p) => p.length > 1 && p.startsWith("0"));
    if (zeroPadded !== undefined) {
      const fixed = parts.map((p) => String(Number(p))).join(".");
      return `${text} has a leading zero in "${zeroPadded}", which some tools read as octal; write ${fixed}`;
    }
    const tooBig = parts.find((p) => Number(p) > 255);
    if (tooBig !== undefined) return `${text} is not a valid IPv4 address: ${tooBig} is more than 255`;
  }
  return `${text} is not a valid IP address`;
}

function wordsFromParts(parts: number[]): Ipv6Words {
  return [
    ((parts[0] << 16) | parts[1]) >>> 0,
    ((parts[2] << 16) | parts[3]) >>> 0,
    ((parts[4] << 16) | parts[5]) >>> 0,
    ((parts[6] << 16) | parts[7]) >>> 0,
  ];
}

export type Ipv6Parse = { ok: true; words: Ipv6Words } | { ok: false; error: string };

/** Strict IPv6 parsing; zone ids ("%eth0") are accepted only when `allowZone` is set. */
export function parseIPv6(text: string, allowZone = false): Ipv6Parse {
  const invalid: Ipv6Parse = { ok: false, error: `${text} is not a valid IPv6 address` };
  if (text.length > MAX_IP_TEXT_LENGTH) return invalid;
  const zoneAt = text.indexOf("%");
  if (zoneAt >= 0 && !allowZone) {
    return { ok: false, error: `${text} has a zone id (${text.slice(zoneAt)}); zone ids cannot be used in an allow list` };
  }
  const address = zoneAt >= 0 ? text.slice(0, zoneAt) : text;
  if (zoneAt >= 0 && !/^%[0-9A-Za-z]+$/.test(text.slice(zoneAt))) return invalid;
  if (!/^[0-9A-Fa-f:.]+$/.test(address)) return invalid;
  if (address.includes(".")) {
    const lastColon = address.lastIndexOf(":");
    const dotted = address.slice(lastColon + 1);
    if (ipv4ToNumber(dotted) < 0) return { ok: false, error: explainInvalidIPv4(dotted) };
    if (address.slice(0, lastColon + 1) === "::") {
      return {
        ok: false,
        error: `${text} is a deprecated IPv4-compatible address; write ${dotted} or ::ffff:${dotted}`,
      };
    }
  }
  if (!ipaddr.IPv6.isValid(address)) return invalid;
  return { ok: true, words: wordsFromParts(ipaddr.IPv6.parse(address).parts) };
}

/** True for ::ffff:a.b.c.d (an IPv4 client seen through an IPv6 socket). */
export function isIPv4Mapped(words: Ipv6Words): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

export function ipv4ToText(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** RFC 5952 form: lowercase, zeros compressed. */
export function ipv6ToText(words: Ipv6Words): string {
  const parts: number[] = [];
  for (const word of words) parts.push(word >>> 16, word & 0xffff);
  return new ipaddr.IPv6(parts).toRFC5952String();
}

export type ClientAddress = { family: "ipv4"; value: number } | { family: "ipv6"; words: Ipv6Words };

/** Parses a request's client address; null for anything malformed. Mapped IPv6 becomes IPv4. */
export function parseClientAddress(text: unknown): ClientAddress | null {
  if (typeof text !== "string") return null;
  if (!text.includes(":")) {
    const value = ipv4ToNumber(text);
    return value < 0 ? null : { family: "ipv4", value };
  }
  const parsed = parseIPv6(text, true);
  if (!parsed.ok) return null;
  if (isIPv4Mapped(parsed.words)) return { family: "ipv4", value: parsed.words[3] };
  return { family: "ipv6", words: parsed.words };
}
