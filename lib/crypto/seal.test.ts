import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seal, unseal } from "./seal";

describe("seal", () => {
  const key = randomBytes(32);

  it("round-trips and never contains the plaintext", () => {
    const secret = randomBytes(32);
    const sealed = seal(key, secret);
    expect(sealed).not.toContain(secret.toString("hex"));
    expect(sealed).not.toContain(secret.toString("base64url"));
    expect(unseal(key, sealed).equals(secret)).toBe(true);
  });

  it("refuses a different master key with a message that says so", () => {
    const sealed = seal(key, randomBytes(32));
    expect(() => unseal(randomBytes(32), sealed)).toThrow(/master key|KEYWARD_MASTER_KEY/i);
  });

  it("refuses tampered ciphertext", () => {
    const sealed = seal(key, Buffer.from("hello"));
    const parts = sealed.split(".");
    parts[3] = Buffer.from("jello").toString("base64url");
    expect(() => unseal(key, parts.join("."))).toThrow();
  });
});
