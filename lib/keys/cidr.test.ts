import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALLOW_ALL_CIDRS, cidrContains, parseCidr, parseCidrList, parseValidCidrs, wildcardFamilies } from "./cidr";

function cidrText(entry: string): string | null {
  const result = parseCidr(entry);
  return result.ok ? result.cidr.text : null;
}

function cidrError(entry: unknown): string | null {
  const result = parseCidr(entry);
  return result.ok ? null : result.error;
}

describe("parseCidr accepts and normalises", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["  10.0.0.0/8  ", "10.0.0.0/8"],
    ["203.0.113.7", "203.0.113.7/32"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["255.255.255.255/32", "255.255.255.255/32"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["2001:0db8:0000:0000:0000:0000:0000:0000/32", "2001:db8::/32"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1/128"],
    ["::1", "::1/128"],
    ["::/0", "::/0"],
    ["fe80::/10", "fe80::/10"],
    ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
    ["::ffff:192.0.2.1", "192.0.2.1/32"],
    ["::ffff:0:0/96", "0.0.0.0/0"],
    ["64:ff9b::192.0.2.0/120", "64:ff9b::c000:200/120"],
  ])("%s → %s", (input, canonical) => {
    expect(cidrText(input)).toBe(canonical);
  });

  it("notes when a mapped range is stored as IPv4", () => {
    expect(parseCidr("::ffff:10.0.0.0/104")).toMatchObject({
      ok: true,
      note: "::ffff:10.0.0.0/104 is an IPv4-mapped range; it is saved as 10.0.0.0/8",
    });
  });
});

describe("parseCidr rejects clearly", () => {
  it.each([
    ["10.0.0.1/8", "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?"],
    ["192.168.1.77/24", "192.168.1.77/24 has host bits set; did you mean 192.168.1.0/24?"],
    ["2001:db8::1/32", "2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?"],
    ["10.0.0.0/33", "10.0.0.0/33: /33 is out of range for IPv4 (use /0 to /32)"],
    ["2001:db8::/129", "2001:db8::/129: /129 is out of range for IPv6 (use /0 to /128)"],
    ["10.0.0.0/-1", '10.0.0.0/-1 has an invalid prefix length "-1"; use a number such as /24'],
    ["10.0.0.0/8.5", '10.0.0.0/8.5 has an invalid prefix length "8.5"; use a number such as /24'],
    ["10.0.0.0/99999", '10.0.0.0/99999 has an invalid prefix length "99999"; use a number such as /24'],
    ["10.0.0.0/08", "10.0.0.0/08: write the prefix length without leading zeros (/8)"],
    ["10.0.0.0/", '10.0.0.0/ is missing the prefix length after "/"'],
    ["/24", '/24 is missing the address before "/"'],
    ["10.0.0.0/8/8", '10.0.0.0/8/8 has more than one "/"'],
    ["010.0.0.1", '010.0.0.1 has a leading zero in "010", which some tools read as octal; write 10.0.0.1'],
    ["10.0.0.01/32", '10.0.0.01 has a leading zero in "01", which some tools read as octal; write 10.0.0.1'],
    ["0x0a.0.0.1", "0x0a.0.0.1 uses hexadecimal; write the address in dotted decimal, e.g. 10.0.0.1"],
    ["10.1", "10.1 needs all four parts, e.g. 10.0.0.0"],
    ["167772161", "167772161 needs all four parts, e.g. 10.0.0.0"],
    ["1.2.3.4.5", "1.2.3.4.5 needs all four parts, e.g. 10.0.0.0"],
    ["256.0.0.0", "256.0.0.0 is not a valid IPv4 address: 256 is more than 255"],
    ["1.2.3.", "1.2.3. is not a valid IP address"],
    ["10.0.0.0 /8", "10.0.0.0 /8 contains a space; write it as 10.0.0.0/8"],
    ["localhost", "localhost is not a valid IP address"],
    ["garbage", "garbage is not a valid IP address"],
    ["2001:db8::g", "2001:db8::g is not a valid IPv6 address"],
    ["1::2::3", "1::2::3 is not a valid IPv6 address"],
    ["2001:db8:0:0:0:0:0:0:1", "2001:db8:0:0:0:0:0:0:1 is not a valid IPv6 address"],
    ["12345::", "12345:: is not a valid IPv6 address"],
    ["fe80::1%eth0", "fe80::1%eth0 has a zone id (%eth0); zone ids cannot be used in an allow list"],
    ["::1.2.3.4", "::1.2.3.4 is a deprecated IPv4-compatible address; write 1.2.3.4 or ::ffff:1.2.3.4"],
    ["::ffff:010.0.0.1", '010.0.0.1 has a leading zero in "010", which some tools read as octal; write 10.0.0.1'],
    ["::ffff:1.2.3.256", "1.2.3.256 is not a valid IPv4 address: 256 is more than 255"],
    ["", "Enter an IP address or range"],
    ["   ", "Enter an IP address or range"],
  ])("%j", (input, error) => {
    expect(cidrError(input)).toBe(error);
  });

  it("rejects non-strings", () => {
    expect(cidrError(42)).toBe("Each entry must be text");
  });

  it("rejects a 10k-character entry with a clean message", () => {
    expect(cidrError("1".repeat(10_000))).toBe(`"${"1".repeat(24)}…" is too long to be an IP address or range`);
  });

  it("never throws on arbitrary input", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789abcdefABCDEF:./%x -"), maxLength: 60 }), (input) => {
        const result = parseCidr(input);
        if (result.ok) expect(cidrText(result.cidr.text)).toBe(result.cidr.text);
      }),
      { numRuns: 3000 },
    );
  });
});

describe("cidrContains", () => {
  const [eight, sixteen, other, v6] = parseValidCidrs(["10.0.0.0/8", "10.1.0.0/16", "11.0.0.0/8", "::/0"]);
  it("knows containment within a family only", () => {
    expect(cidrContains(eight, sixteen)).toBe(true);
    expect(cidrContains(sixteen, eight)).toBe(false);
    expect(cidrContains(eight, other)).toBe(false);
    expect(cidrContains(v6, eight)).toBe(false);
    expect(cidrContains(eight, eight)).toBe(true);
  });
});

describe("parseCidrList", () => {
  it("treats an empty list (or only blank lines) as allow-all", () => {
    expect(parseCidrList([])).toEqual({ cidrs: [...ALLOW_ALL_CIDRS], errors: [], warnings: [] });
    expect(parseCidrList(["", "  "])).toEqual({ cidrs: [...ALLOW_ALL_CIDRS], errors: [], warnings: [] });
    expect(ALLOW_ALL_CIDRS).toEqual(["0.0.0.0/0", "::/0"]);
  });

  it("reports errors per entry with the original index, ignoring blanks", () => {
    const result = parseCidrList(["10.0.0.0/8", "", "10.0.0.1/8", "2001:db8::/32", "nope"]);
    expect(result.cidrs).toEqual(["10.0.0.0/8", "2001:db8::/32"]);
    expect(result.errors).toEqual([
      { index: 2, entry: "10.0.0.1/8", message: "10.0.0.1/8 has host bits set; did you mean 10.0.0.0/8?" },
      { index: 4, entry: "nope", message: "nope is not a valid IP address" },
    ]);
    expect(result.warnings).toEqual([]);
  });

  it("warns about duplicates, covered ranges, wildcards and a missing family", () => {
    const result = parseCidrList(["10.0.0.0/8", "10.1.0.0/16", "10.0.0.0/8", "0.0.0.0/0", "192.0.2.1", "::ffff:198.51.100.0/120"]);
    expect(result.errors).toEqual([]);
    expect(result.cidrs).toEqual(["10.0.0.0/8", "10.1.0.0/16", "0.0.0.0/0", "192.0.2.1/32", "198.51.100.0/24"]);
    expect(result.warnings).toEqual([
      { index: 0, message: "10.0.0.0/8 is already covered by 0.0.0.0/0" },
      { index: 1, message: "10.1.0.0/16 is already covered by 10.0.0.0/8" },
      { index: 2, message: "10.0.0.0/8 is listed twice" },
      { index: 3, message: "0.0.0.0/0 allows calls from any IPv4 address" },
      { index: 4, message: "192.0.2.1/32 is already covered by 0.0.0.0/0" },
      { index: 5, message: "::ffff:198.51.100.0/120 is an IPv4-mapped range; it is saved as 198.51.100.0/24" },
      { index: 5, message: "198.51.100.0/24 is already covered by 0.0.0.0/0" },
      { index: null, message: "Only IPv4 ranges are listed, so calls over IPv6 will be refused" },
    ]);
  });

  it("notes a missing family only where it helps: a whole family opened, or IPv6 ranges alone", () => {
    const note = (lines: string[]) => parseCidrList(lines).warnings.filter((w) => w.message.startsWith("Only "));
    expect(note(["203.0.113.0/24", "198.51.100.7"])).toEqual([]);
    expect(note(["10.0.0.0/8", "10.1.0.0/16"])).toEqual([]);
    expect(note(["0.0.0.0/1", "128.0.0.0/1"])).toEqual([
      { index: null, message: "Only IPv4 ranges are listed, so calls over IPv6 will be refused" },
    ]);
    expect(note(["2001:db8::/32"])).toEqual([{ index: null, message: "Only IPv6 ranges are listed, so calls over IPv4 will be refused" }]);
    expect(note(["203.0.113.0/24", "2001:db8::/32"])).toEqual([]);
  });

  it("treats differently written equal ranges as duplicates", () => {
    expect(parseCidrList(["2001:DB8::/32", "2001:db8:0::/32", "::/0"]).warnings).toEqual([
      { index: 0, message: "2001:db8::/32 is already covered by ::/0" },
      { index: 1, message: "2001:db8::/32 is listed twice" },
      { index: 2, message: "::/0 allows calls from any IPv6 address" },
      { index: null, message: "Only IPv6 ranges are listed, so calls over IPv4 will be refused" },
    ]);
  });

  it("does not warn about a missing family when both are present", () => {
    expect(parseCidrList(["10.0.0.0/8", "2001:db8::/32"]).warnings).toEqual([]);
  });

  it("reports non-string entries", () => {
    expect(parseCidrList([null as unknown as string]).errors).toEqual([{ index: 0, entry: "null", message: "Each entry must be text" }]);
  });
});

describe("wildcardFamilies", () => {
  it("lists the families left fully open", () => {
    expect(wildcardFamilies([])).toEqual(["ipv4", "ipv6"]);
    expect(wildcardFamilies([...ALLOW_ALL_CIDRS])).toEqual(["ipv4", "ipv6"]);
    expect(wildcardFamilies(["0.0.0.0/0", "2001:db8::/32"])).toEqual(["ipv4"]);
    expect(wildcardFamilies(["10.0.0.0/8", "::/0"])).toEqual(["ipv6"]);
    expect(wildcardFamilies(["10.0.0.0/8"])).toEqual([]);
    expect(wildcardFamilies(["garbage"])).toEqual([]);
  });
});
