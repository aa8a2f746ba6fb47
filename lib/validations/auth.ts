import { z } from "zod";
import { keyPrefixSchema } from "../keys/key-prefix";
import { text } from "./text";

export const ORG_NAME_MAX = 80;
export const EMAIL_MAX = 254;
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

export const emailSchema = text()
  .trim()
  .min(1, "Enter an email address")
  .max(EMAIL_MAX, `An email address has at most ${EMAIL_MAX} characters`)
  .pipe(z.email("Enter a valid email address, like ada@example.com"))
  .transform((email) => email.toLowerCase());

export const newPasswordSchema = text(undefined, { mayHoldSecret: true })
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`);

export const orgNameSchema = text().trim().min(1, "Enter your organization's name").max(ORG_NAME_MAX, `At most ${ORG_NAME_MAX} characters`);

export const setupSchema = z.object({
  orgName: orgNameSchema,
  keyPrefix: keyPrefixSchema,
  email: emailSchema,
  password: newPasswordSchema,
});
export type SetupInput = z.infer<typeof setupSchema>;
export type SetupFormValues = z.input<typeof setupSchema>;

export const loginSchema = z.object({
  email: emailSchema,
  password: text(undefined, { mayHoldSecret: true })
    .min(1, "Enter your password")
    .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`),
});
export type LoginInput = z.infer<typeof loginSchema>;
export type LoginFormValues = z.input<typeof loginSchema>;

/** The account page's password change: the current password proves it is the member, not a borrowed session. */
export const changePasswordSchema = z.object({
  currentPassword: text(undefined, { mayHoldSecret: true })
    .min(1, "Enter your current password")
    .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`),
  newPassword: newPasswordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;
