import { Secret, TOTP } from "otpauth";
import { confirmTotpEnrolment, startTotpEnrolment } from "@/lib/auth/two-factor/enrolment";
import type { Db } from "@/lib/db/client";
import { testMeta } from "./db";

/** The code an authenticator app shows for `secret` (base32) `steps` time steps from now. */
export function totpCode(secret: string, steps = 0, now = Date.now()): string {
  return TOTP.generate({ secret: Secret.fromBase32(secret), timestamp: now + steps * 30_000 });
}

/** Sets up an authenticator app for a user as the account page does; returns its secret and recovery codes. */
export async function enrolTotp(db: Db, user: { id: string; email: string }) {
  const { secret } = await startTotpEnrolment(db, user);
  const { recoveryCodes } = await confirmTotpEnrolment(db, user, totpCode(secret), testMeta);
  return { secret, recoveryCodes };
}
