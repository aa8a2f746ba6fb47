import { describe, expect, it } from "vitest";
import { oneLine } from "./one-line";

describe("oneLine", () => {
  it("gives a Prisma error's cause and code, not its blank first line", () => {
    const error = Object.assign(
      new Error("\nInvalid `prisma.webhookDelivery.findMany()` invocation:\n\n\nTransaction API error: database is locked"),
      { code: "P2028" },
    );
    expect(oneLine(error)).toBe("P2028: Transaction API error: database is locked");
  });

  it("keeps an ordinary message's first line, and its code once", () => {
    expect(oneLine(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432\n    at stack"), { code: "ECONNREFUSED" }))).toBe(
      "connect ECONNREFUSED 127.0.0.1:5432",
    );
    expect(oneLine(new Error("timeout"))).toBe("timeout");
  });

  it("never logs an empty line", () => {
    expect(oneLine(new Error("\n\n"))).toBe("unknown error");
    expect(oneLine({ code: "SQLITE_BUSY" })).toBe("SQLITE_BUSY");
  });
});
