import { Secret, TOTP } from "otpauth";

// RFC 6238 with the parameters every authenticator app supports: SHA-1, 6 digits, 30-second steps.
export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;
// A code of the previous or next step is accepted too (clock drift, a code typed as it changed).
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = "Keyward";

function totp(secret: Uint8Array, label = "") {
  return new TOTP({
    issuer: TOTP_ISSUER,
    label,
    secret: new Secret({ buffer: secret.slice().buffer }),
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
  });
}

/** 160 random bits, RFC 4226's recommended length. */
export function newTotpSecret(): Uint8Array {
  return new Uint8Array(new Secret({ size: 20 }).bytes);
}

export function totpBase32(secret: Uint8Array): string {
  return new Secret({ buffer: secret.slice().buffer }).base32;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpUri(secret: Uint8Array, accountLabel: string): string {
  return totp(secret, accountLabel).toString();
}

export function totpStep(now: Date): number {
  return TOTP.counter({ period: TOTP_PERIOD, timestamp: now.getTime() });
}

/** The time step a code belongs to (within the window around `now`), or null when it matches none. */
export function matchTotpStep(secret: Uint8Array, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totp(secret).validate({ token: code, timestamp: now.getTime(), window: TOTP_WINDOW });
  return delta === null ? null : totpStep(now) + delta;
}
