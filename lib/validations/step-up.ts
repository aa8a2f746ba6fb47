import { z } from "zod";
import { PASSWORD_MAX } from "./auth";
import { authenticationResponseSchema } from "./passkey";
import { text } from "./text";

export const SECOND_FACTOR_CODE_MAX = 32;

/** The proof asked for before a dangerous action: the password, or (once enrolled) a second-factor code or a passkey. */
export const stepUpProofSchema = z.discriminatedUnion("method", [
  z.object({
    method: z.literal("password"),
    password: text(undefined, { mayHoldSecret: true })
      .min(1, "Enter your password")
      .max(PASSWORD_MAX, `Use at most ${PASSWORD_MAX} characters`),
  }),
  z.object({
    method: z.literal("second-factor"),
    code: text().trim().min(1, "Enter the code").max(SECOND_FACTOR_CODE_MAX, `Use at most ${SECOND_FACTOR_CODE_MAX} characters`),
  }),
  z.object({ method: z.literal("passkey"), response: authenticationResponseSchema }),
]);
export type StepUpProofInput = z.infer<typeof stepUpProofSchema>;
