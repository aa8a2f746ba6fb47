import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CIDR_ENTRY_MAX_LENGTH, coveredFamilies, parseCidr, parseCidrList, parseValidCidrs, wildcardFamilies } from "./cidr";

// "Allows every address" is about the union of a key's ranges, not only a /0 entry.

describe("wildcardFamilies: ranges that add up to a whole family", () => {
  it.each([
    [["0.0.0.0/1", "128.0.0.0/1"], ["ipv4"]],
    [["::/1", "8000::/1"], ["ipv6"]],
    [
      ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2", "::/1", "8000::/1"],
      ["ipv4", "ipv6"],
    ],
    [["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/3", "10.0.0.0/8"], ["ipv4"]],
    [["::ffff:0.0.0.0/97", "128.0.0.0/1"], ["ipv4"]],
    [["0.0.0.0/0"], ["ipv4"]],
    [[], ["ipv4", "ipv6"]],
    [["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"], []],
    [["0.0.0.0/1", "192.0.0.0/2"], []],
    [["10.0.0.0/8", "::/1"], []],
  ])("%j → %j", (cidrs, families) => {
    expect(wildcardFamilies(cidrs)).toEqual(families);
  });

  it("agrees with a brute-force check over /3 pieces of IPv4", () => {
    const pieces = Array.from({ length: 8 }, (_, i) => `${i * 32}.0.0.0/3`);
    fc.assert(
      fc.property(fc.subarray(pieces), fc.subarray(["0.0.0.0/1", "128.0.0.0/1", "64.0.0.0/2"]), (small, big) => {
        const covered = new Set<number>();
        for (const cidr of parseValidCidrs([...small, ...big])) {
          const start = Number(cidr.network >> 29n);
          for (let i = 0; i < 2 ** (3 - cidr.prefix); i++) covered.add(start + i);
        }
        expect(coveredFamilies(parseValidCidrs([...small, ...big])).includes("ipv4")).toBe(covered.size === 8);
      }),
    );
  });

  it("warns in the list when no single entry is a /0", () => {
    expect(parseCidrList(["0.0.0.0/1", "128.0.0.0/1", "::/1", "8000::/1"]).warnings.map((w) => w.message)).toEqual([
      "Together, 0.0.0.0/1 and 128.0.0.0/1 allow calls from any IPv4 address",
      "Together, ::/1 and 8000::/1 allow calls from any IPv6 address",
    ]);
  });
});

describe("entry length", () => {
  it("is checked on the raw entry, before trimming", () => {
    const padded = `${" ".repeat(4_000)}10.0.0.0/8`;
    expect(parseCidr(padded)).toEqual({ ok: false, error: '"10.0.0.0/8…" is too long to be an IP address or range' });
    expect(parseCidrList([padded]).errors).toHaveLength(1);
    expect(parseCidrList([" ".repeat(4_000)]).errors).toHaveLength(1);
    expect(parseCidr(` ${"10.0.0.0/8".padEnd(CIDR_ENTRY_MAX_LENGTH - 2)} `).ok).toBe(true);
  });
});
