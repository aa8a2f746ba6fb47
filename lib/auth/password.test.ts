import { describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "./password";

describe("password hashing", () => {
  it("uses argon2id at OWASP's minimum parameters", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it("verifies the right password and rejects others, including for a missing account", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword(stored, "correct horse battery")).toBe(true);
    expect(await verifyPassword(stored, "correct horse batterx")).toBe(false);
    expect(await verifyPassword(null, "correct horse battery")).toBe(false);
    expect(await verifyPassword("not-a-hash", "x")).toBe(false);
  });
});
