import { z } from "zod";
import { ROLES } from "../auth/permissions";
import { EMAIL_MAX, emailSchema } from "./auth";
import { text } from "./text";

export const ISSUER_MAX = 500;
export const CLIENT_ID_MAX = 200;
export const CLIENT_SECRET_MAX = 500;
export const DOMAINS_MAX = 2000;
export const SSO_IDENTIFIER_MAX = EMAIL_MAX;

const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Comma, space or newline separated; lower-cased, duplicates dropped. */
export function parseDomains(value: string): string[] {
  return [
    ...new Set(
      value
        .split(/[\s,]+/)
        .map((d) => d.trim().toLowerCase())
        .filter(Boolean),
    ),
  ];
}

export const ssoSettingsSchema = z
  .object({
    enabled: z.boolean(),
    issuer: text()
      .trim()
      .min(1, "Enter the issuer URL")
      .max(ISSUER_MAX, `At most ${ISSUER_MAX} characters`)
      .pipe(z.url({ protocol: /^https?$/, error: "Enter the issuer as a URL, like https://login.example.com" }))
      // A discovery-document URL would skip the issuer check (openid-client compares the issuer only when it resolves the document itself).
      .refine((url) => !url.includes("/.well-known/"), "Enter the issuer itself, without /.well-known/…"),
    clientId: text().trim().min(1, "Enter the client ID").max(CLIENT_ID_MAX, `At most ${CLIENT_ID_MAX} characters`),
    // Empty keeps the saved secret.
    clientSecret: text().max(CLIENT_SECRET_MAX, `At most ${CLIENT_SECRET_MAX} characters`),
    allowedDomains: text()
      .max(DOMAINS_MAX, `At most ${DOMAINS_MAX} characters`)
      .transform(parseDomains)
      .pipe(z.array(z.string().regex(DOMAIN, "Enter domains like example.com, separated by commas")).max(50, "At most 50 domains")),
    defaultRole: z.enum(ROLES, { error: "Choose a role" }),
    requireSso: z.boolean(),
    breakGlassEmail: z.union([z.literal(""), emailSchema]),
  })
  .superRefine((value, ctx) => {
    if (value.requireSso && !value.breakGlassEmail)
      ctx.addIssue({
        code: "custom",
        path: ["breakGlassEmail"],
        message: "Name a break-glass admin who may still sign in with a password",
      });
  });
export type SsoSettingsInput = z.infer<typeof ssoSettingsSchema>;
export type SsoSettingsFormValues = z.input<typeof ssoSettingsSchema>;

/** "Sign in with SSO": a work email (its domain finds the organization) or the organization's ID (slug). */
export const ssoStartSchema = z.object({
  identifier: text()
    .trim()
    .min(1, "Enter your work email or your organization's ID")
    .max(SSO_IDENTIFIER_MAX, `At most ${SSO_IDENTIFIER_MAX} characters`)
    .transform((v) => v.toLowerCase()),
  next: text().max(2000).optional(),
});
export type SsoStartInput = z.infer<typeof ssoStartSchema>;
export type SsoStartFormValues = z.input<typeof ssoStartSchema>;
