import { describe, expect, it } from "vitest";
import { explainInvalidIPv4, ipv4ToNumber, ipv4ToText, ipv6ToText, parseClientAddress, parseIPv6 } from "./ip-address";

describe("ipv4ToNumber", () => {
  it.each([
    ["0.0.0.0", 0],
    ["10.0.0.1", 0x0a000001],
    ["255.255.255.255", 0xffffffff],
    ["192.168.100.200", 0xc0a864c8],
  ])("%s → %d", (input, value) => {
    expect(ipv4ToNumber(input)).toBe(value);
    expect(ipv4ToText(value)).toBe(input);
  });

  it.each(["", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.256", "1..3.4", "1.2.3.4 ", "a.b.c.d", "1.2.3.1000", "1.2.3.-1"])(
    "rejects %j",
    (input) => {
      expect(ipv4ToNumber(input)).toBe(-1);
    },
  );

  it("explains the generic failure", () => {
    expect(explainInvalidIPv4("1.2.3.x")).toBe("1.2.3.x is not a valid IP address");
  });
});

describe("parseIPv6", () => {
  it("parses and prints RFC 5952 text", () => {
    const parsed = parseIPv6("2001:0DB8::0001");
    expect(parsed.ok && ipv6ToText(parsed.words)).toBe("2001:db8::1");
  });

  it("rejects over-long or malformed zone ids", () => {
    expect(parseIPv6(`::${"1".repeat(80)}`).ok).toBe(false);
    expect(parseIPv6("fe80::1%eth-0", true).ok).toBe(false);
    expect(parseIPv6("fe80::1%eth0", true).ok).toBe(true);
  });
});

describe("parseClientAddress", () => {
  it("maps ::ffff:a.b.c.d to IPv4", () => {
    expect(parseClientAddress("::ffff:10.0.0.1")).toEqual({ family: "ipv4", value: 0x0a000001 });
    expect(parseClientAddress("2001:db8::1")).toMatchObject({ family: "ipv6" });
    expect(parseClientAddress(null)).toBeNull();
  });
});
