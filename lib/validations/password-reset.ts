import { z } from "zod";
import { newPasswordSchema } from "./auth";
import { text } from "./text";
import { SECOND_FACTOR_CODE_MAX } from "./step-up";

export const RESET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const MEMBER_ID_PATTERN = /^mem_[A-Za-z0-9]{20}$/;

export const resetTokenSchema = text().regex(RESET_TOKEN_PATTERN, "This reset link is not valid");

/** An admin issues a reset link for a member of their organization. */
export const issuePasswordResetSchema = z.object({
  memberId: text({ error: "A member id is required" }).regex(MEMBER_ID_PATTERN, "That is not a valid member id"),
});

/** The member sets a new password from the link (and gives their second factor, if they have one). */
export const resetPasswordSchema = z.object({
  token: resetTokenSchema,
  password: newPasswordSchema,
  code: text().trim().max(SECOND_FACTOR_CODE_MAX, `Use at most ${SECOND_FACTOR_CODE_MAX} characters`).optional(),
});
export type ResetPasswordInput = z.infer<typeof resetPasswordSchema>;
export type ResetPasswordFormValues = z.input<typeof resetPasswordSchema>;
