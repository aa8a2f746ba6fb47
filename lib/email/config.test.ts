import { describe, expect, it } from "vitest";
import { emailConfigFromEnv } from "./config";

describe("emailConfigFromEnv", () => {
  it("is off without KEYWARD_SMTP_URL", () => {
    expect(emailConfigFromEnv({})).toBeNull();
    expect(emailConfigFromEnv({ KEYWARD_SMTP_URL: "  " })).toBeNull();
  });

  it("reads the URL, the From and the public origin for links", () => {
    expect(
      emailConfigFromEnv({
        KEYWARD_SMTP_URL: "smtps://u:p@mail.example.com:465",
        KEYWARD_SMTP_FROM: "Keys <keys@example.com>",
        KEYWARD_PUBLIC_URL: "https://keys.example.com/some/path",
      }),
    ).toEqual({ smtpUrl: "smtps://u:p@mail.example.com:465", from: "Keys <keys@example.com>", publicUrl: "https://keys.example.com" });
    expect(emailConfigFromEnv({ KEYWARD_SMTP_URL: "smtp://mail:25", KEYWARD_PUBLIC_URL: "https://keys.example.com" })?.from).toBe(
      "Keyward <keyward@keys.example.com>",
    );
  });

  it("refuses a malformed URL, another scheme or a From of several lines", () => {
    expect(() => emailConfigFromEnv({ KEYWARD_SMTP_URL: "mail.example.com" })).toThrow(/not a URL/);
    expect(() => emailConfigFromEnv({ KEYWARD_SMTP_URL: "http://mail.example.com" })).toThrow(/smtp:\/\//);
    expect(() => emailConfigFromEnv({ KEYWARD_SMTP_URL: "smtp://mail:25", KEYWARD_SMTP_FROM: "a@b.c\r\nBcc: x@y.z" })).toThrow(/one line/);
  });
});
