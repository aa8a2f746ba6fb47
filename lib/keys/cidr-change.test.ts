import { describe, expect, it } from "vitest";
import { describeCidrChange } from "./cidr-change";

describe("describeCidrChange", () => {
  it("lists removed ranges as refused and added ones as allowed", () => {
    expect(describeCidrChange(["203.0.113.0/24"], ["198.51.100.0/24"])).toEqual([
      "calls from 203.0.113.0/24 will be refused",
      "calls from 198.51.100.0/24 will be allowed",
    ]);
  });

  it("says nothing when nothing changes in effect", () => {
    expect(describeCidrChange(["10.0.0.0/8"], ["10.0.0.0/8"])).toEqual([]);
    expect(describeCidrChange(["10.0.0.0/8"], [" 10.0.0.0/8 "])).toEqual([]);
    expect(describeCidrChange(["10.0.0.0/8", "10.1.0.0/16"], ["10.0.0.0/8"])).toEqual([]);
    expect(describeCidrChange([], ["0.0.0.0/0", "::/0"])).toEqual([]);
  });

  it("describes narrowing and widening", () => {
    expect(describeCidrChange(["10.0.0.0/8"], ["10.1.0.0/16"])).toEqual(["calls from 10.0.0.0/8 will be refused, except from 10.1.0.0/16"]);
    expect(describeCidrChange(["10.1.0.0/16"], ["10.0.0.0/8"])).toEqual(["calls from 10.0.0.0/8 will be allowed"]);
  });

  it("spells out the allow-all default on both sides", () => {
    expect(describeCidrChange([], ["10.0.0.0/8"])).toEqual([
      "calls from any IPv4 address (0.0.0.0/0) will be refused, except from 10.0.0.0/8",
      "calls from any IPv6 address (::/0) will be refused",
    ]);
    expect(describeCidrChange(["10.0.0.0/8"], [])).toEqual([
      "calls from any IPv4 address (0.0.0.0/0) will be allowed",
      "calls from any IPv6 address (::/0) will be allowed",
    ]);
  });

  it("normalises entries and ignores invalid ones", () => {
    expect(describeCidrChange(["2001:DB8::/32", "junk"], ["2001:db8::/32"])).toEqual([]);
    expect(describeCidrChange(["203.0.113.9"], ["203.0.113.0/24"])).toEqual(["calls from 203.0.113.0/24 will be allowed"]);
  });
});
