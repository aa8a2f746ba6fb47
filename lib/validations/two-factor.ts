import { z } from "zod";
import { text } from "./text";

export const CODE_MAX = 32;

/** A code from the authenticator app (6 digits) or a recovery code; the server tells which. */
export const secondFactorCodeSchema = z.object({
  code: text()
    .trim()
    .min(1, "Enter the code from your authenticator app, or a recovery code")
    .max(CODE_MAX, `At most ${CODE_MAX} characters`),
});
export type SecondFactorCodeInput = z.infer<typeof secondFactorCodeSchema>;

/** Confirming a new authenticator app: its current 6-digit code. */
export const totpCodeSchema = z.object({
  code: text()
    .trim()
    .transform((v) => v.replace(/\s/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code your authenticator app shows")),
});
export type TotpCodeInput = z.input<typeof totpCodeSchema>;

export const twoFactorPolicySchema = z.object({ requireTwoFactor: z.boolean() });
export type TwoFactorPolicyInput = z.infer<typeof twoFactorPolicySchema>;

export const emptySchema = z.object({});
