import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALLOW_ALL_CIDRS } from "./cidr";
import { compileCidrs, ipAllowed } from "./cidr-match";

type Family = "ipv4" | "ipv6";
const BITS: Record<Family, number> = { ipv4: 32, ipv6: 128 };

// Brute-force reference: compare the first `prefix` bits one by one.
function referenceInRange(family: Family, network: bigint, prefix: number, client: bigint): boolean {
  for (let i = 0; i < prefix; i++) {
    const bit = BigInt(BITS[family] - 1 - i);
    if (((network >> bit) & 1n) !== ((client >> bit) & 1n)) return false;
  }
  return true;
}

function highMask(family: Family, bits: number): bigint {
  const all = (1n << BigInt(BITS[family])) - 1n;
  return all ^ ((1n << BigInt(BITS[family] - bits)) - 1n);
}

function v4Text(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => ((value >> shift) & 255n).toString()).join(".");
}

function v6Text(value: bigint, upper: boolean): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((value >> shift) & 0xffffn).toString(16));
  const text = groups.join(":");
  return upper ? text.toUpperCase() : text;
}

function text(family: Family, value: bigint, upper = false): string {
  return family === "ipv4" ? v4Text(value) : v6Text(value, upper);
}

const familyArb = fc.constantFrom<Family>("ipv4", "ipv6");
const valueArb = (family: Family) => fc.bigInt({ min: 0n, max: (1n << BigInt(BITS[family])) - 1n });

// A random range, and a client that shares a random number of leading bits with it,
// so that addresses right at the range boundary are common.
const caseArb = familyArb.chain((family) =>
  fc
    .record({
      family: fc.constant(family),
      base: valueArb(family),
      noise: valueArb(family),
      prefix: fc.integer({ min: 0, max: BITS[family] }),
      shared: fc.integer({ min: 0, max: BITS[family] }),
      upper: fc.boolean(),
    })
    .map(({ base, noise, prefix, shared, upper }) => {
      const network = base & highMask(family, prefix);
      const client = (base & highMask(family, shared)) | (noise & ~highMask(family, shared) & ((1n << BigInt(BITS[family])) - 1n));
      return { family, network, prefix, client, upper };
    }),
);

// IPv4 values that are not IPv4-mapped when read as IPv6.
const isMappedV6 = (value: bigint) => value >> 32n === 0xffffn;

describe("compileCidrs agrees with a bit-by-bit reference", () => {
  it("for single ranges in both families", () => {
    fc.assert(
      fc.property(caseArb, ({ family, network, prefix, client, upper }) => {
        fc.pre(family === "ipv4" || (!isMappedV6(network) && !isMappedV6(client)));
        const range = `${text(family, network, upper)}/${prefix}`;
        const expected = referenceInRange(family, network, prefix, client);
        expect(compileCidrs([range])(text(family, client, upper))).toBe(expected);
        expect(ipAllowed([range], text(family, client))).toBe(expected);
      }),
      { numRuns: 5000 },
    );
  });

  it("for lists mixing both families, with IPv4 clients also seen as IPv4-mapped IPv6", () => {
    const listArb = fc.array(caseArb, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(listArb, caseArb, (ranges, probe) => {
        const usable = ranges.filter((r) => r.family === "ipv4" || !isMappedV6(r.network));
        fc.pre(usable.length > 0 && (probe.family === "ipv4" || !isMappedV6(probe.client)));
        const list = usable.map((r) => `${text(r.family, r.network)}/${r.prefix}`);
        const matcher = compileCidrs(list);
        const expected = usable.some((r) => r.family === probe.family && referenceInRange(r.family, r.network, r.prefix, probe.client));
        expect(matcher(text(probe.family, probe.client))).toBe(expected);
        if (probe.family === "ipv4") {
          expect(matcher(`::ffff:${v4Text(probe.client)}`)).toBe(expected);
          expect(
            matcher(
              `::FFFF:${v6Text(0xffff00000000n | probe.client, false)
                .split(":")
                .slice(6)
                .join(":")}`,
            ),
          ).toBe(expected);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe("compileCidrs behaviour", () => {
  const office = compileCidrs(["10.0.0.0/8", "2001:db8::/32"]);

  it("matches IPv4 and IPv6 independently", () => {
    expect(office("10.20.30.40")).toBe(true);
    expect(office("11.0.0.1")).toBe(false);
    expect(office("2001:db8:1::1")).toBe(true);
    expect(office("2001:db9::1")).toBe(false);
    const v4Only = compileCidrs(["0.0.0.0/0"]);
    expect(v4Only("203.0.113.5")).toBe(true);
    expect(v4Only("2001:db8::1")).toBe(false);
    const v6Only = compileCidrs(["::/0"]);
    expect(v6Only("2001:db8::1")).toBe(true);
    expect(v6Only("203.0.113.5")).toBe(false);
    expect(v6Only("::ffff:203.0.113.5")).toBe(false);
  });

  it("matches IPv4-mapped clients as IPv4", () => {
    expect(office("::ffff:10.0.0.1")).toBe(true);
    expect(office("::ffff:a00:1")).toBe(true);
    expect(office("::ffff:11.0.0.1")).toBe(false);
  });

  it("allows every well-formed address when the list is empty", () => {
    const open = compileCidrs([]);
    expect(open("198.51.100.1")).toBe(true);
    expect(open("::1")).toBe(true);
    expect(open("nonsense")).toBe(false);
    expect(compileCidrs([...ALLOW_ALL_CIDRS])("8.8.8.8")).toBe(true);
  });

  it("skips invalid stored entries, so a list of only invalid entries refuses everyone", () => {
    expect(compileCidrs(["garbage", "10.0.0.1/8"])("10.0.0.1")).toBe(false);
    expect(compileCidrs([""])("10.0.0.1")).toBe(false);
    expect(compileCidrs(["garbage", "10.0.0.0/8"])("10.0.0.1")).toBe(true);
    expect(compileCidrs(["192.0.2.1"])("192.0.2.1")).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["garbage", "not an ip"],
    ["octal-looking", "010.0.0.1"],
    ["hex", "0x0a.0.0.1"],
    ["short form", "10.1"],
    ["integer form", "167772161"],
    ["out of range octet", "10.0.0.256"],
    ["trailing dot", "10.0.0.1."],
    ["port attached", "10.0.0.1:443"],
    ["bracketed", "[2001:db8::1]"],
    ["deprecated compatible", "::10.0.0.1"],
    ["bad mapped tail", "::ffff:10.0.0.01"],
    ["too many groups", "1:2:3:4:5:6:7:8:9"],
    ["10k characters", "1".repeat(10_000)],
    ["10k IPv6-ish characters", "a:".repeat(5000)],
  ])("refuses a malformed client address (%s) without throwing", (_label, clientIp) => {
    expect(office(clientIp)).toBe(false);
    expect(compileCidrs([])(clientIp)).toBe(false);
  });

  it("refuses non-string client addresses", () => {
    expect(office(undefined as unknown as string)).toBe(false);
    expect(office(167772161 as unknown as string)).toBe(false);
  });

  it("accepts a zone id on a client address", () => {
    expect(compileCidrs(["fe80::/10"])("fe80::1%eth0")).toBe(true);
    expect(compileCidrs(["fe80::/10"])("fe80::1%")).toBe(false);
  });

  it("is fast enough for the verification hot path", () => {
    const matcher = compileCidrs(["10.0.0.0/8", "192.168.0.0/16", "2001:db8::/32", "203.0.113.0/24"]);
    const started = performance.now();
    for (let i = 0; i < 50_000; i++) matcher(i % 2 === 0 ? "203.0.113.77" : "2001:db8::77");
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
