import { parseValidCidrs, type Cidr } from "./cidr";
import { parseClientAddress, type Ipv6Words } from "./ip-address";

export type IpMatcher = (clientIp: string) => boolean;

interface Ipv6Range {
  network: Ipv6Words;
  mask: Ipv6Words;
}

function ipv4Mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

function ipv6Range(cidr: Cidr): Ipv6Range {
  const network = [0, 0, 0, 0] as Ipv6Words;
  const mask = [0, 0, 0, 0] as Ipv6Words;
  for (let i = 0; i < 4; i++) {
    network[i] = Number((cidr.network >> BigInt(96 - 32 * i)) & 0xffffffffn);
    mask[i] = ipv4Mask(Math.min(32, Math.max(0, cidr.prefix - 32 * i)));
  }
  return { network, mask };
}

/**
 * Precompiles an allow list into a fast matcher for the request hot path.
 * An empty list allows everything; invalid entries are skipped (they allow nothing), so a
 * list made only of invalid entries refuses everyone. A malformed client address is refused.
 */
export function compileCidrs(cidrs: readonly string[]): IpMatcher {
  if (cidrs.length === 0) return (clientIp) => parseClientAddress(clientIp) !== null;
  const ranges = parseValidCidrs(cidrs);
  const v4 = ranges.filter((c) => c.family === "ipv4");
  const v4Networks = Uint32Array.from(v4, (c) => Number(c.network));
  const v4Masks = Uint32Array.from(v4, (c) => ipv4Mask(c.prefix));
  const v6 = ranges.filter((c) => c.family === "ipv6").map(ipv6Range);

  return (clientIp) => {
    const address = parseClientAddress(clientIp);
    if (address === null) return false;
    if (address.family === "ipv4") {
      const ip = address.value;
      for (let i = 0; i < v4Networks.length; i++) {
        if ((ip & v4Masks[i]) >>> 0 === v4Networks[i]) return true;
      }
      return false;
    }
    const w = address.words;
    for (const { network: n, mask: m } of v6) {
      if ((w[0] & m[0]) >>> 0 === n[0] && (w[1] & m[1]) >>> 0 === n[1] && (w[2] & m[2]) >>> 0 === n[2] && (w[3] & m[3]) >>> 0 === n[3]) {
        return true;
      }
    }
    return false;
  };
}

/** One-off check; use compileCidrs when checking many addresses against the same list. */
export function ipAllowed(cidrs: readonly string[], clientIp: string): boolean {
  return compileCidrs(cidrs)(clientIp);
}
