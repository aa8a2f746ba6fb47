import { describe, expect, it } from "vitest";
import { denialBurstThreshold, networkOf } from "./detect-worker.mjs";

describe("networkOf: the client network key.new_address compares", () => {
  it("is the /24 of an IPv4 address, also written IPv4-mapped", () => {
    expect(networkOf("203.0.113.7")).toBe("203.0.113.0/24");
    expect(networkOf("::ffff:203.0.113.250")).toBe("203.0.113.0/24");
  });

  it("is the /48 of an IPv6 address, whatever its notation", () => {
    expect(networkOf("2001:db8:1::1")).toBe("2001:db8:1::/48");
    expect(networkOf("2001:0db8:0001:ffff::2")).toBe("2001:db8:1::/48");
    expect(networkOf("2001:db8::5")).toBe("2001:db8:0::/48");
    expect(networkOf("fe80::1%eth0")).toBe("fe80:0:0::/48");
  });

  it("is null without a usable address", () => {
    expect(networkOf(null)).toBeNull();
    expect(networkOf("unknown")).toBeNull();
  });
});

describe("KEYWARD_DENIAL_BURST_THRESHOLD", () => {
  it("is a whole number ≥ 1, else 100", () => {
    expect(denialBurstThreshold({ KEYWARD_DENIAL_BURST_THRESHOLD: "25" })).toBe(25);
    expect(denialBurstThreshold({ KEYWARD_DENIAL_BURST_THRESHOLD: "0" })).toBe(100);
    expect(denialBurstThreshold({ KEYWARD_DENIAL_BURST_THRESHOLD: "2.5" })).toBe(100);
    expect(denialBurstThreshold({})).toBe(100);
  });
});
